#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cluster/node_info.h"
#include "util/status.h"

namespace repram::cluster {

// Gossip message types we handle; kOther covers GET and unknown names (accepted, ignored).
enum class MessageType { kPut, kAck, kPing, kPong, kSync, kOther };
inline constexpr int kMessageTypeCount = 5;  // the handled types, in enum order

// Returns the type named by a wire `type` string (exact, upper case).
MessageType TypeOf(std::string_view name);
// Returns the wire name of a handled type. REQUIRES: type != kOther.
std::string_view TypeName(MessageType type);

// The gossip envelope (cluster.md §3). `data` holds the decoded bytes; the codec does base64.
struct SimpleMessage {
  std::string type;
  std::string from;
  std::string to;
  std::string key;
  std::string data;
  int32_t ttl = 0;
  int64_t timestamp = 0;
  std::string message_id;
  std::optional<NodeInfo> node_info;
};

// Parses a gossip body with the receiver rules of §3.2: one JSON object, unknown keys ignored,
// null = absent, last duplicate wins, strict types, strict padded base64 `data`, node_info
// enclave normalized. Returns kInvalidArgument ("Invalid JSON") on any violation.
Result<SimpleMessage> ParseMessage(std::string_view body);

// ParseMessage without its fast path for the canonical form (EncodeMessage's output): always
// builds the JSON tree. Same contract and results; the fuzz target and the tests compare the two.
Result<SimpleMessage> ParseMessageTree(std::string_view body);

// Checks the PUT rules of §5.1: key 1..8192 bytes without '/', non-empty message_id. Returns
// kInvalidArgument with message "bad key" or "message_id required".
Status ValidatePut(const SimpleMessage& msg);

// Serializes msg with the emission rules of §3.3: Go key order, empty to/key/data, ttl 0 and
// absent node_info omitted, compact JSON, no trailing newline.
std::string EncodeMessage(const SimpleMessage& msg);

}  // namespace repram::cluster
