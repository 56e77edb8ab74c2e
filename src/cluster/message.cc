#include "cluster/message.h"

#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "cluster/json_fields.h"
#include "util/base64.h"
#include "util/json_depth.h"
#include "util/json_writer.h"
#include "util/limits.h"

namespace repram::cluster {
namespace {

Status InvalidJson() { return Status(StatusCode::kInvalidArgument, "Invalid JSON"); }

// A cursor over the canonical text EncodeMessage writes (compact, Go key order, no node_info,
// strings of printable ASCII without escapes). Anything else is left to the DOM parser.
class CanonicalReader {
 public:
  explicit CanonicalReader(std::string_view text) : text_(text) {}

  bool Eat(char c) {
    if (pos_ == text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool AtEnd() const { return pos_ == text_.size(); }

  // Reads a string of bytes 0x20..0x7f other than '"' and '\\'.
  std::optional<std::string_view> String() {
    if (!Eat('"')) return std::nullopt;
    const size_t start = pos_;
    for (; pos_ < text_.size(); ++pos_) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') return text_.substr(start, pos_++ - start);
      if (c < 0x20 || c >= 0x80 || c == '\\') return std::nullopt;
    }
    return std::nullopt;
  }

  // Reads an integer of at most 18 digits (no overflow possible), without a leading zero, a
  // fraction or an exponent.
  std::optional<int64_t> Int() {
    const bool negative = Eat('-');
    const size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (pos_ - start == 18) return std::nullopt;  // longer: left to the tree parser
      value = value * 10 + (text_[pos_++] - '0');
    }
    const size_t digits = pos_ - start;
    if (digits == 0 || digits > 18 || (digits > 1 && text_[start] == '0')) return std::nullopt;
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      return std::nullopt;
    }
    return negative ? -value : value;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Reads the node_info object as WriteNodeInfo writes it: all five keys in wire order, ports in
// 0..65535, strings within their limits. Returns nullopt for anything else.
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

// Parses the canonical form of a message without building a JSON tree (the replica hot path:
// every PUT and ACK between our nodes, and the PINGs, PONGs and SYNCs of membership). Returns
// nullopt for anything it does not cover (other key orders, duplicates, unknown keys,
// whitespace, escapes, non-ASCII, errors), which ParseMessage then hands to the DOM parser: the
// result is the same either way.
std::optional<SimpleMessage> ParseCanonical(std::string_view body) {
  static constexpr std::string_view kFields[] = {"type", "from", "to",        "key",       "data",
                                                 "ttl",  "timestamp", "message_id", "node_info"};
  CanonicalReader r(body);
  if (!r.Eat('{')) return std::nullopt;
  SimpleMessage msg;
  std::string_view data_b64;
  size_t next = 0;  // fields must come in kFields order, each at most once
  do {
    const std::optional<std::string_view> name = r.String();
    if (!name || !r.Eat(':')) return std::nullopt;
    size_t i = next;
    while (i < std::size(kFields) && kFields[i] != *name) ++i;
    if (i == std::size(kFields)) return std::nullopt;
    next = i + 1;
    if (*name == "ttl" || *name == "timestamp") {
      const std::optional<int64_t> v = r.Int();
      if (!v) return std::nullopt;
      if (*name == "timestamp") {
        msg.timestamp = *v;
      } else if (*v >= std::numeric_limits<int32_t>::min() &&
                 *v <= std::numeric_limits<int32_t>::max()) {
        msg.ttl = static_cast<int32_t>(*v);
      } else {
        return std::nullopt;
      }
      continue;
    }
    if (*name == "node_info") {
      msg.node_info = ReadCanonicalNode(r);
      if (!msg.node_info) return std::nullopt;
      continue;
    }
    const std::optional<std::string_view> v = r.String();
    if (!v) return std::nullopt;
    if (*name == "type") msg.type = *v;
    if (*name == "from") msg.from = *v;
    if (*name == "to") msg.to = *v;
    if (*name == "key") msg.key = *v;
    if (*name == "data") data_b64 = *v;
    if (*name == "message_id") msg.message_id = *v;
  } while (r.Eat(','));
  if (!r.Eat('}') || !r.AtEnd() || msg.from.size() > kMaxNodeIdBytes ||
      msg.to.size() > kMaxNodeIdBytes || msg.message_id.size() > kMaxMessageIdBytes) {
    return std::nullopt;
  }
  std::optional<std::string> data = DecodeBase64Strict(data_b64);
  if (!data) return std::nullopt;
  msg.data = std::move(*data);
  return msg;
}

}  // namespace

MessageType TypeOf(std::string_view name) {
  if (name == "PUT") return MessageType::kPut;
  if (name == "ACK") return MessageType::kAck;
  if (name == "PING") return MessageType::kPing;
  if (name == "PONG") return MessageType::kPong;
  if (name == "SYNC") return MessageType::kSync;
  return MessageType::kOther;
}

std::string_view TypeName(MessageType type) {
  switch (type) {
    case MessageType::kPut:
      return "PUT";
    case MessageType::kAck:
      return "ACK";
    case MessageType::kPing:
      return "PING";
    case MessageType::kPong:
      return "PONG";
    case MessageType::kSync:
      return "SYNC";
    case MessageType::kOther:
      break;
  }
  return "";
}

Result<SimpleMessage> ParseMessage(std::string_view body) {
  if (std::optional<SimpleMessage> msg = ParseCanonical(body)) return std::move(*msg);
  return ParseMessageTree(body);
}

Result<SimpleMessage> ParseMessageTree(std::string_view body) {
  // The DOM parser keeps the last of duplicate keys, which is the Go behaviour we want here.
  if (!JsonDepthWithin(body)) return InvalidJson();  // before any tree is built
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return InvalidJson();  // also covers the parse-error (discarded) value
  constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
  SimpleMessage msg;
  int64_t ttl = 0;
  std::string data_b64;
  if (!ReadString(doc, "type", msg.type) || !ReadString(doc, "from", kMaxNodeIdBytes, msg.from) ||
      !ReadString(doc, "to", kMaxNodeIdBytes, msg.to) || !ReadString(doc, "key", msg.key) ||
      !ReadString(doc, "data", data_b64) ||
      !ReadInt(doc, "ttl", std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
               ttl) ||
      !ReadInt(doc, "timestamp", kMin64, kMax64, msg.timestamp) ||
      !ReadString(doc, "message_id", kMaxMessageIdBytes, msg.message_id)) {
    return InvalidJson();
  }
  msg.ttl = static_cast<int32_t>(ttl);
  std::optional<std::string> data = DecodeBase64Strict(data_b64);
  if (!data) return InvalidJson();
  msg.data = std::move(*data);
  if (HasMember(doc, "node_info")) {
    NodeInfo node;
    if (!ReadNodeInfo(doc.at("node_info"), node)) return InvalidJson();
    msg.node_info = std::move(node);
  }
  return msg;
}

Status ValidatePut(const SimpleMessage& msg) {
  if (!IsValidKey(msg.key)) {
    return Status(StatusCode::kInvalidArgument, "bad key");
  }
  if (msg.message_id.empty()) return Status(StatusCode::kInvalidArgument, "message_id required");
  return Status::Ok();
}

std::string EncodeMessage(const SimpleMessage& msg) {
  JsonWriter w;
  w.BeginObject().String("type", msg.type).String("from", msg.from);
  if (!msg.to.empty()) w.String("to", msg.to);
  if (!msg.key.empty()) w.String("key", msg.key);
  if (!msg.data.empty()) w.String("data", EncodeBase64(msg.data));
  if (msg.ttl != 0) w.Int("ttl", msg.ttl);
  w.Int("timestamp", msg.timestamp).String("message_id", msg.message_id);
  if (msg.node_info) WriteNodeInfo(w, "node_info", *msg.node_info);
  w.EndObject();
  return w.Take();
}

}  // namespace repram::cluster
