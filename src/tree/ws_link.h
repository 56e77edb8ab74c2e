#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace repram::tree {

// One WebSocket connection as the tree logic sees it (either end). Implementations are
// thread-safe: every call may come from any thread and only queues work on the connection's I/O
// thread, so the tree can call them under its own lock.
class WsLink {
 public:
  virtual ~WsLink() = default;
  // Queues one text frame; writes are serialized, a full queue or a missed write deadline
  // terminates the connection (ws-tree.md §3).
  virtual void SendText(std::string frame) = 0;
  // Sends a ping control frame with an empty payload.
  virtual void SendPing() = 0;
  // Sends a close frame with code and reason once the queued frames left, then closes.
  virtual void Close(uint16_t code, std::string reason) = 0;
  // Drops the TCP connection without a close frame (peers see 1006).
  virtual void Terminate() = 0;
  // Returns whether the connection is still open (no close sent or received, not terminated).
  virtual bool IsOpen() const = 0;
  // Returns true while more than half of the outbound queue cap (frames or bytes) is waiting:
  // a sender that can go another way should, before the queue overflows.
  virtual bool Congested() const = 0;
  // Stops reading frames after the one being handled (TCP flow control then slows the peer)
  // until ResumeReading. Closing or terminating the connection resumes it.
  virtual void PauseReading() = 0;
  // Reads frames again after PauseReading.
  virtual void ResumeReading() = 0;
};

// Close codes of ws-tree.md §7.4.
inline constexpr uint16_t kCloseNormal = 1000;
inline constexpr uint16_t kCloseGoingAway = 1001;
inline constexpr uint16_t kCloseProtocolError = 1002;
inline constexpr uint16_t kCloseUnsupported = 1003;
inline constexpr uint16_t kClosePolicy = 1008;
inline constexpr uint16_t kCloseTooBig = 1009;

}  // namespace repram::tree

namespace repram::tree {

// What a connection reports to the tree logic that owns it. Called on the connection's I/O
// thread; for one link, calls never overlap and OnClosed comes last, once.
class WsLinkEvents {
 public:
  virtual ~WsLinkEvents() = default;
  // A server-side connection finished its upgrade.
  virtual void OnOpen(const std::shared_ptr<WsLink>& link) = 0;
  // One text frame arrived (binary frames are dropped before this).
  virtual void OnText(const std::shared_ptr<WsLink>& link, std::string_view text) = 0;
  // A pong control frame arrived.
  virtual void OnPong(const std::shared_ptr<WsLink>& link) = 0;
  // The connection is gone (close frame, error or termination).
  virtual void OnClosed(const std::shared_ptr<WsLink>& link) = 0;
};

}  // namespace repram::tree
