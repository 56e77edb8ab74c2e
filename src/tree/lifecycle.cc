#include "tree/lifecycle.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cluster/message.h"
#include "util/json_depth.h"
#include "util/json_writer.h"

namespace repram::tree {
namespace {

constexpr size_t kMaxAlternatives = 5;

nlohmann::json ParseObject(std::string_view payload) {
  if (!JsonDepthWithin(payload)) return nlohmann::json();  // before any tree is built
  nlohmann::json doc = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  return doc.is_object() ? doc : nlohmann::json();
}

// Returns the string member `name`, or empty when absent or not a string.
std::string StringOr(const nlohmann::json& obj, const char* name) {
  const auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string EncodeHello(const Hello& hello) {
  JsonWriter w;
  w.BeginObject()
      .String("node_id", hello.node_id)
      .String("enclave", hello.enclave)
      .String("address", hello.address)
      .Int("http_port", hello.http_port)
      .BeginObject("capabilities")
      .String("inbound", hello.inbound ? "true" : "false")
      .EndObject()
      .EndObject();
  return w.Take();
}

std::optional<Hello> ParseHello(std::string_view payload) {
  const nlohmann::json doc = ParseObject(payload);
  if (!doc.is_object()) return std::nullopt;
  const auto id = doc.find("node_id");
  if (id == doc.end() || !id->is_string()) return std::nullopt;
  Hello hello;
  hello.node_id = id->get<std::string>();
  hello.enclave = cluster::NormalizeEnclave(StringOr(doc, "enclave"));
  hello.address = StringOr(doc, "address");
  const auto port = doc.find("http_port");
  if (port != doc.end() && port->is_number_integer()) hello.http_port = port->get<int64_t>();
  const auto caps = doc.find("capabilities");
  if (caps != doc.end() && caps->is_object()) hello.inbound = StringOr(*caps, "inbound") == "true";
  return hello;
}

std::string EncodeWelcome(std::span<const cluster::NodeInfo> peers, const cluster::NodeInfo& self,
                          int64_t now_seconds) {
  JsonWriter w;
  w.BeginObject().BeginArray("topology");
  auto entry = [&](const cluster::NodeInfo& node) {
    cluster::SimpleMessage sync;
    sync.type = "SYNC";
    sync.from = self.id;
    sync.timestamp = now_seconds;
    sync.node_info = node;
    w.Raw("", cluster::EncodeMessage(sync));
  };
  for (const cluster::NodeInfo& peer : peers) entry(peer);
  entry(self);
  w.EndArray()
      .BeginObject("your_position")
      .Int("depth", 1)
      .String("parent_id", self.id)
      .EndObject()
      .EndObject();
  return w.Take();
}

std::optional<Welcome> ParseWelcome(std::string_view payload) {
  const nlohmann::json doc = ParseObject(payload);
  if (!doc.is_object()) return std::nullopt;
  const auto topology = doc.find("topology");
  const auto position = doc.find("your_position");
  if (topology == doc.end() || !topology->is_array() || position == doc.end() ||
      !position->is_object()) {
    return std::nullopt;
  }
  const auto parent = position->find("parent_id");
  if (parent == position->end() || !parent->is_string()) return std::nullopt;
  Welcome welcome;
  welcome.parent_id = parent->get<std::string>();
  for (const nlohmann::json& entry : *topology) {
    if (!entry.is_object()) continue;
    const auto info = entry.find("node_info");
    cluster::NodeInfo node;
    if (info != entry.end() && cluster::ReadNodeInfo(*info, node) && !node.id.empty()) {
      welcome.topology.push_back(std::move(node));
    }
  }
  return welcome;
}

std::string EncodeGoodbye(const Goodbye& goodbye) {
  JsonWriter w;
  w.BeginObject().String("reason", goodbye.reason).BeginArray("alternative_parents");
  for (const cluster::NodeInfo& node : goodbye.alternatives) {
    w.BeginObject()
        .String("id", node.id)
        .String("address", node.address)
        .Int("http_port", node.http_port)
        .String("enclave", node.enclave)
        .EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

std::optional<Goodbye> ParseGoodbye(std::string_view payload) {
  const nlohmann::json doc = ParseObject(payload);
  if (!doc.is_object()) return std::nullopt;
  Goodbye goodbye;
  goodbye.reason = StringOr(doc, "reason");
  const auto alternatives = doc.find("alternative_parents");
  if (alternatives == doc.end() || !alternatives->is_array()) return goodbye;
  for (const nlohmann::json& entry : *alternatives) {
    cluster::NodeInfo node;
    if (cluster::ReadNodeInfo(entry, node) && !node.id.empty() && node.http_port != 0 &&
        goodbye.alternatives.size() < kMaxAlternatives) {
      goodbye.alternatives.push_back(std::move(node));
    }
  }
  return goodbye;
}

std::vector<cluster::NodeInfo> SelectAlternatives(std::vector<cluster::NodeInfo> peers,
                                                  std::string_view preferred_enclave,
                                                  std::string_view exclude_id) {
  std::erase_if(peers, [&](const cluster::NodeInfo& p) { return p.id == exclude_id; });
  std::sort(peers.begin(), peers.end(),
            [&](const cluster::NodeInfo& a, const cluster::NodeInfo& b) {
              const bool a_same = a.enclave == preferred_enclave;
              const bool b_same = b.enclave == preferred_enclave;
              if (a_same != b_same) return a_same;
              return a.id < b.id;
            });
  if (peers.size() > kMaxAlternatives) peers.resize(kMaxAlternatives);
  return peers;
}

}  // namespace repram::tree
