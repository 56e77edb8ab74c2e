#include "cluster/node_info.h"

#include "cluster/json_fields.h"
#include "util/limits.h"

namespace repram::cluster {

std::string NormalizeEnclave(std::string_view enclave) {
  return std::string(enclave.empty() ? kDefaultEnclave : enclave);
}

bool ReadNodeInfo(const nlohmann::json& value, NodeInfo& out) {
  if (!value.is_object()) return false;
  NodeInfo node;
  node.enclave.clear();
  if (!ReadString(value, "id", kMaxNodeIdBytes, node.id) ||
      !ReadString(value, "address", kMaxAddressBytes, node.address) ||
      !ReadPort(value, "port", node.gossip_port) || !ReadPort(value, "http_port", node.http_port) ||
      !ReadString(value, "enclave", kMaxEnclaveBytes, node.enclave)) {
    return false;
  }
  node.enclave = NormalizeEnclave(node.enclave);
  out = std::move(node);
  return true;
}

void WriteNodeInfo(JsonWriter& w, std::string_view name, const NodeInfo& node) {
  w.BeginObject(name)
      .String("id", node.id)
      .String("address", node.address)
      .Int("port", node.gossip_port)
      .Int("http_port", node.http_port)
      .String("enclave", node.enclave)
      .EndObject();
}

}  // namespace repram::cluster
