#include "cluster/canonical_reader.h"

#include <limits>
#include <string>

#include "util/limits.h"

namespace repram::cluster {

std::optional<NodeInfo> ReadCanonicalNode(CanonicalReader& r) {
  NodeInfo node;
  const auto string = [&r](std::string_view name, size_t max_bytes, std::string& out) {
    if (r.String() != name || !r.Eat(':')) return false;
    const std::optional<std::string_view> v = r.String();
    if (!v || v->size() > max_bytes) return false;
    out = *v;
    return true;
  };
  const auto port = [&r](std::string_view name, uint16_t& out) {
    if (r.String() != name || !r.Eat(':')) return false;
    const std::optional<int64_t> v = r.Int();
    if (!v || *v < 0 || *v > std::numeric_limits<uint16_t>::max()) return false;
    out = static_cast<uint16_t>(*v);
    return true;
  };
  if (!r.Eat('{') || !string("id", kMaxNodeIdBytes, node.id) || !r.Eat(',') ||
      !string("address", kMaxAddressBytes, node.address) || !r.Eat(',') ||
      !port("port", node.gossip_port) || !r.Eat(',') || !port("http_port", node.http_port) ||
      !r.Eat(',') || !string("enclave", kMaxEnclaveBytes, node.enclave) || !r.Eat('}')) {
    return std::nullopt;
  }
  if (node.enclave.empty()) node.enclave = std::string(kDefaultEnclave);
  return node;
}

}  // namespace repram::cluster
