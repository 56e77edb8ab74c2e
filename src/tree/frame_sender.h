#pragma once

#include <string>
#include <string_view>

#include "cluster/message.h"
#include "tree/frame.h"
#include "tree/tree_metrics.h"
#include "tree/ws_link.h"
#include "util/clock.h"

namespace repram::tree {

// Encodes, signs, counts and queues frames on links; shared by both roles. Thread-safe.
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

  const std::string& secret() const { return secret_; }

 private:
  const std::string secret_;
  TreeMetrics& metrics_;
};

// Returns the PONG that answers ping over a link: from self to ping.from, with self's node_info.
cluster::SimpleMessage MakePong(const cluster::NodeInfo& self, const cluster::SimpleMessage& ping,
                                WallTime now);

}  // namespace repram::tree
