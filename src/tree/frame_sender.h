#pragma once

#include <string>
#include <string_view>

#include "cluster/message.h"
#include "tree/frame.h"
#include "tree/tree_metrics.h"
#include "tree/ws_link.h"
#include "util/clock.h"

namespace repram::tree {

// Encodes, signs, counts and queues frames on links, and decodes, verifies and counts the frames
// received; shared by both roles. Thread-safe.
class FrameSender {
 public:
  FrameSender(std::string secret, TreeMetrics& metrics)
      : secret_(std::move(secret)), metrics_(metrics) {}

  // Returns the frame text for payload (signed when there is a secret), counted as `copies`
  // frames sent (the caller sends the same text to that many links).
  std::string Encode(FrameType type, std::string_view payload, size_t copies = 1) const;
  // Sends one frame with payload to link.
  void Send(WsLink& link, FrameType type, std::string_view payload) const;
  // Sends a gossip message (PUT→put, …) to link.
  void SendGossip(WsLink& link, const cluster::SimpleMessage& msg) const;

  // Decodes and verifies a received text frame into frame and counts it; false (logged at debug,
  // not counted) for a malformed frame or a bad signature, which the caller ignores.
  bool Receive(std::string_view text, ReceivedFrame& frame) const;

 private:
  const std::string secret_;
  TreeMetrics& metrics_;
};

// Returns the PONG that answers ping over a link: from self to ping.from, with self's node_info.
cluster::SimpleMessage MakePong(const cluster::NodeInfo& self, const cluster::SimpleMessage& ping,
                                WallTime now);

}  // namespace repram::tree
