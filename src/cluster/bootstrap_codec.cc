#include "cluster/bootstrap_codec.h"

#include <nlohmann/json.hpp>

#include "cluster/canonical_reader.h"
#include "cluster/json_fields.h"
#include "util/json_depth.h"
#include "util/json_writer.h"
#include "util/limits.h"

namespace repram::cluster {
namespace {

Status InvalidJson() { return Status(StatusCode::kInvalidArgument, "Invalid JSON"); }

// Reads EncodeBootstrapResponse's own layout without a JSON tree (a joiner of a large network
// reads one node object per peer). Returns nullopt for anything else, which the DOM parser then
// reads with the same result.
std::optional<std::vector<NodeInfo>> ParseCanonicalResponse(std::string_view body) {
  constexpr std::string_view kHead = R"({"success":true,"peers":[)";
  if (!body.starts_with(kHead)) return std::nullopt;
  if (body.ends_with('\n')) body.remove_suffix(1);
  CanonicalReader r(body.substr(kHead.size()));
  std::vector<NodeInfo> peers;
  if (!r.Eat(']')) {
    do {
      std::optional<NodeInfo> node = ReadCanonicalNode(r);
      if (!node) return std::nullopt;
      peers.push_back(std::move(*node));
    } while (r.Eat(','));
    if (!r.Eat(']')) return std::nullopt;
  }
  if (!r.Eat('}') || !r.AtEnd()) return std::nullopt;
  return peers;
}

}  // namespace

Result<BootstrapRequest> ParseBootstrapRequest(std::string_view body) {
  if (!JsonDepthWithin(body)) return InvalidJson();  // before any tree is built
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return InvalidJson();
  for (const char* required : {"node_id", "address", "gossip_port", "http_port"}) {
    if (!HasMember(doc, required)) return InvalidJson();
  }
  BootstrapRequest req;
  req.enclave.clear();
  if (!ReadString(doc, "node_id", kMaxNodeIdBytes, req.node_id) ||
      !ReadString(doc, "address", kMaxAddressBytes, req.address) ||
      !ReadPort(doc, "gossip_port", req.gossip_port) ||
      !ReadPort(doc, "http_port", req.http_port) ||
      !ReadString(doc, "enclave", kMaxEnclaveBytes, req.enclave) || req.node_id.empty()) {
    return InvalidJson();
  }
  req.enclave = NormalizeEnclave(req.enclave);
  return req;
}

std::string EncodeBootstrapRequest(const BootstrapRequest& req) {
  JsonWriter w;
  w.BeginObject()
      .String("node_id", req.node_id)
      .String("address", req.address)
      .Int("gossip_port", req.gossip_port)
      .Int("http_port", req.http_port)
      .String("enclave", req.enclave)
      .EndObject();
  return w.Take();
}

NodeInfo JoinerNode(const BootstrapRequest& req) {
  return NodeInfo{.id = req.node_id,
                  .address = req.address,
                  .gossip_port = req.gossip_port,
                  .http_port = req.http_port,
                  .enclave = NormalizeEnclave(req.enclave)};
}

std::string EncodeBootstrapResponse(const std::vector<NodeInfo>& peers) {
  JsonWriter w;
  w.Reserve(64 + peers.size() * 96).BeginObject().Bool("success", true).BeginArray("peers");
  for (const NodeInfo& peer : peers) WriteNodeInfo(w, "", peer);
  w.EndArray().EndObject();
  std::string out = w.Take();
  out.push_back('\n');
  return out;
}

Result<std::vector<NodeInfo>> ParseBootstrapResponse(std::string_view body) {
  if (std::optional<std::vector<NodeInfo>> peers = ParseCanonicalResponse(body)) {
    return std::move(*peers);
  }
  return ParseBootstrapResponseTree(body);
}

Result<std::vector<NodeInfo>> ParseBootstrapResponseTree(std::string_view body) {
  const Status bad(StatusCode::kUnavailable, "invalid bootstrap response");
  if (!JsonDepthWithin(body)) return bad;
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return bad;
  auto success = doc.find("success");
  if (success == doc.end() || !success->is_boolean() || !success->get<bool>()) return bad;
  std::vector<NodeInfo> peers;
  if (!HasMember(doc, "peers")) return peers;
  const nlohmann::json& list = doc.at("peers");
  if (!list.is_array()) return bad;
  for (const nlohmann::json& entry : list) {
    NodeInfo node;
    if (!ReadNodeInfo(entry, node)) return bad;
    peers.push_back(std::move(node));
  }
  return peers;
}

}  // namespace repram::cluster
