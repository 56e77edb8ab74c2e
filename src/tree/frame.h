#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cluster/message.h"

namespace repram::tree {

// Envelope types of a WebSocket frame (ws-tree.md §3); kOther covers unknown names.
enum class FrameType {
  kPut,
  kAck,
  kPing,
  kPong,
  kTopologySync,
  kHello,
  kWelcome,
  kGoodbye,
  kOther
};

// Returns the envelope type named by a wire `type` string (exact, lower case).
FrameType FrameTypeOf(std::string_view name);
// Returns the wire name of a frame type. REQUIRES: type != kOther.
std::string_view FrameTypeName(FrameType type);
// Returns the envelope type that carries a gossip message (PUT→put, …, SYNC→topology_sync), or
// kOther for a type the link does not carry.
FrameType FrameTypeForGossip(cluster::MessageType type);

// Builds one frame {"type","signature","payload"} in Go key order around payload, the already
// serialized payload bytes; signature = HMAC of exactly those bytes, present iff secret is set.
std::string EncodeFrame(FrameType type, std::string_view payload, std::string_view secret);

// A received frame: its envelope type and the raw byte span of its payload object inside the
// text it was decoded from (valid while that text lives).
struct ReceivedFrame {
  FrameType type = FrameType::kOther;
  std::string type_name;
  std::string_view payload;
};

// Outcome of decoding a received text frame.
enum class FrameCheck { kOk, kMalformed, kBadSignature };

// Decodes a text frame with the receiver rules of §3-§4: a JSON object with a string `type` and
// an object `payload` (else kMalformed); with a secret, the lowercase hex `signature` must be the
// HMAC of the raw payload span (else kBadSignature). Never throws.
FrameCheck DecodeFrame(std::string_view text, std::string_view secret, ReceivedFrame& out);

}  // namespace repram::tree
