#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/node_info.h"
#include "util/status.h"

namespace repram::cluster {

// The body of POST /v1/bootstrap (cluster.md §7.1).
struct BootstrapRequest {
  std::string node_id;
  std::string address;
  uint16_t gossip_port = 0;
  uint16_t http_port = 0;
  std::string enclave = std::string(kDefaultEnclave);
};

// Parses a bootstrap request strictly (§7.2 step 4): an object with a non-empty string node_id,
// string address, integer gossip_port and http_port (json_fields.h ReadPort), optional string
// enclave (empty/absent = "default"). Returns kInvalidArgument ("Invalid JSON") otherwise.
Result<BootstrapRequest> ParseBootstrapRequest(std::string_view body);

// Serializes a request in the order node_id, address, gossip_port, http_port, enclave (always
// sent), compact, no trailing newline.
std::string EncodeBootstrapRequest(const BootstrapRequest& req);

// Returns the node a request describes.
NodeInfo JoinerNode(const BootstrapRequest& req);

// Serializes the seed's 200 answer {"success":true,"peers":[...]} with a trailing newline; each
// peer carries the five keys, in the given order.
std::string EncodeBootstrapResponse(const std::vector<NodeInfo>& peers);

// Parses a seed's answer (§7.3 step 3): a JSON object whose `success` is true and whose `peers`
// (absent/null = none) is an array of node objects. Returns kUnavailable otherwise.
Result<std::vector<NodeInfo>> ParseBootstrapResponse(std::string_view body);

// ParseBootstrapResponse without its fast path for EncodeBootstrapResponse's own layout: always
// builds the JSON tree. Same contract and results; the tests compare the two.
Result<std::vector<NodeInfo>> ParseBootstrapResponseTree(std::string_view body);

}  // namespace repram::cluster
