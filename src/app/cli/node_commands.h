#pragma once

#include "app/cli/node_client.h"
#include "app/cli/outcome.h"

namespace repram::cli {

// `repram status`: GET /v1/status as "name: value" lines (nested fields dotted), or --json.
int RunStatus(NodeClient& client, bool json, Streams io);

// `repram topology`: GET /v1/topology: the node, its peers and WebSocket children, or --json.
int RunTopology(NodeClient& client, bool json, Streams io);

// `repram health`: GET /v1/health; exit 0 only for a 200 whose status is "healthy" (a container
// health check), kExitFailed otherwise. Prints "healthy <node id>", or --json the answer.
int RunHealth(NodeClient& client, bool json, Streams io);

}  // namespace repram::cli
