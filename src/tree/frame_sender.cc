#include "tree/frame_sender.h"

#include <spdlog/spdlog.h>

#include "cluster/message_id.h"

namespace repram::tree {

std::string FrameSender::Encode(FrameType type, std::string_view payload, size_t copies) const {
  metrics_.CountSent(type, copies);
  return EncodeFrame(type, payload, secret_);
}

void FrameSender::Send(WsLink& link, FrameType type, std::string_view payload) const {
  link.SendText(Encode(type, payload));
}

void FrameSender::SendGossip(WsLink& link, const cluster::SimpleMessage& msg) const {
  Send(link, FrameTypeForGossip(cluster::TypeOf(msg.type)), cluster::EncodeMessage(msg));
}

bool FrameSender::Receive(std::string_view text, ReceivedFrame& frame) const {
  if (const FrameCheck check = DecodeFrame(text, secret_, frame); check != FrameCheck::kOk) {
    spdlog::debug("WS frame ignored: {}",
                  check == FrameCheck::kMalformed ? "malformed" : "bad signature");
    return false;
  }
  metrics_.CountReceived(frame.type);
  return true;
}

cluster::SimpleMessage MakePong(const cluster::NodeInfo& self, const cluster::SimpleMessage& ping,
                                WallTime now) {
  cluster::SimpleMessage pong;
  pong.type = "PONG";
  pong.from = self.id;
  pong.to = ping.from;
  pong.timestamp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  pong.message_id = cluster::NewMessageId(self.id, now);
  pong.node_info = self;
  return pong;
}

}  // namespace repram::tree
