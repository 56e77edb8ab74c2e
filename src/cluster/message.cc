#include "cluster/message.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "cluster/json_fields.h"
#include "util/base64.h"
#include "util/json_depth.h"
#include "util/json_writer.h"
#include "util/limits.h"

namespace repram::cluster {
namespace {

Status InvalidJson() { return Status(StatusCode::kInvalidArgument, "Invalid JSON"); }

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
