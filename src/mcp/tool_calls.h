#pragma once

#include <functional>
#include <string_view>

#include "mcp/json_rpc.h"
#include "mcp/node_api.h"

namespace repram::mcp {

// Called with the tools/call result object: either
// {"content":[{"type":"text","text":<JSON, 2-space indent>}],"structuredContent":<object>} or
// {"content":[{"type":"text","text":<message>}],"isError":true}.
using ToolDone = std::function<void(Json)>;

// Validates `arguments` for tool `name`, runs it against node and calls done exactly once (maybe
// before returning, maybe on the NodeApi's thread). Argument and node failures become isError
// results (mcp.md §1, §2). REQUIRES: IsKnownTool(name); arguments is an object.
void CallTool(NodeApi& node, std::string_view name, const Json& arguments, ToolDone done);

}  // namespace repram::mcp
