#include "cluster/message.h"

#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "cluster/canonical_reader.h"
#include "cluster/json_fields.h"
#include "util/base64.h"
#include "util/json_depth.h"
#include "util/json_writer.h"
#include "util/limits.h"

namespace repram::cluster {
namespace {

Status InvalidJson() { return Status(StatusCode::kInvalidArgument, "Invalid JSON"); }

// Parses the canonical form of a message without building a JSON tree (the replica hot path:
// every PUT and ACK between our nodes, and the PINGs, PONGs and SYNCs of membership). Returns
// nullopt for anything it does not cover (other key orders, duplicates, unknown keys,
// whitespace, escapes, non-ASCII, errors), which ParseMessage then hands to the DOM parser: the
// result is the same either way.
std::optional<SimpleMessage> ParseCanonical(std::string_view body) {
  static constexpr std::string_view kFields[] = {
      "type", "from", "to", "key", "data", "ttl", "timestamp", "message_id", "node_info"};
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
  // Key names, quotes and numbers take under 200 bytes; strings of printable ASCII are copied
  // as they are (escapes may grow the buffer once more).
  size_t size = 200 + msg.type.size() + msg.from.size() + msg.to.size() + msg.key.size() +
                (msg.data.size() + 2) / 3 * 4 + msg.message_id.size();
  if (msg.node_info) {
    size +=
        msg.node_info->id.size() + msg.node_info->address.size() + msg.node_info->enclave.size();
  }
  JsonWriter w;
  w.Reserve(size).BeginObject().String("type", msg.type).String("from", msg.from);
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
