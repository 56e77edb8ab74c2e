#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "util/json_writer.h"

namespace repram::cluster {

inline constexpr std::string_view kDefaultEnclave = "default";

// A node as described on the wire (`node_info`, bootstrap peers) and in the peer map.
struct NodeInfo {
  std::string id;
  std::string address;
  uint16_t gossip_port = 0;  // advertised gossip port, wire field "port"; never dialled
  uint16_t http_port = 0;    // the port peers POST to (0: unknown or out of range on the wire)
  std::string enclave = std::string(kDefaultEnclave);

  bool operator==(const NodeInfo&) const = default;
};

// Returns enclave, or "default" when it is empty.
std::string NormalizeEnclave(std::string_view enclave);

// Reads a node object {"id","address","port","http_port","enclave"}: string/integer types are
// enforced, missing members stay empty/0, ports per ReadPort, the enclave is normalized. Returns
// false when value is not an object or a member has the wrong type.
bool ReadNodeInfo(const nlohmann::json& value, NodeInfo& out);

// Writes node as a member `name` (or an array element when name is empty) with the five keys in
// wire order id, address, port, http_port, enclave.
void WriteNodeInfo(JsonWriter& w, std::string_view name, const NodeInfo& node);

}  // namespace repram::cluster
