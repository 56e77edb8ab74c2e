#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/event_loop.h"
#include "sim/network.h"
#include "tree/ws_dialer.h"
#include "tree/ws_link.h"

namespace repram::sim {

// Simulated WebSocket links between node slots, for the tree's WsLink / WsDialer seams. A dial
// takes two round trips (TCP, then the upgrade) and fails after one round trip when nothing
// listens (refused), after two when the target serves no /v1/ws (404), after the dial timeout
// when the target crashed, is behind NAT or across a partition. Frames (text, ping, pong, close)
// arrive in order per direction, each after its own one-way latency (no loss: TCP); a frame sent
// across a partition is lost. Close sends a close frame the peer echoes (OnClosed on both ends);
// Terminate reports OnClosed locally at once and to the peer (1006) after one latency; a slot
// whose node stops (DropSlot) hears nothing more and its peers see 1006 after one latency.
// PauseReading holds arriving frames in the reader's inbox; the sender's queue is that inbox:
// Congested above 512 frames, terminated at 1024 (ws-tree.md §3). Every callback runs from its
// own loop event, never inside a WsLink call. Single-threaded.
class WsNet {
 public:
  // Returns the link events of what serves /v1/ws at a slot now (its substrate), or null.
  using Acceptor = std::function<tree::WsLinkEvents*(size_t slot)>;

  WsNet(Network& network, EventLoop& loop, Duration close_timeout, Acceptor acceptor);
  ~WsNet();
  WsNet(const WsNet&) = delete;
  WsNet& operator=(const WsNet&) = delete;

  // Returns a dialer for the node now at slot `from`; its dials fail once DropSlot(from) ran.
  // observe (may be null) runs after every callback to the link events of its connections.
  std::unique_ptr<tree::WsDialer> MakeDialer(size_t from, std::function<void()> observe);
  // The node at slot stopped or crashed: its link ends report nothing more, their peers see 1006
  // after one latency, and its dials still in progress fail.
  void DropSlot(size_t slot);

  // Text frames sent so far (both directions, every link).
  uint64_t frames() const { return frames_; }

 private:
  class Dialer;
  class End;
  struct Item;
  struct Pipe;

  // A dial from `from` (a Dialer's fields and its Dial arguments).
  struct DialRequest {
    size_t from = 0;
    uint64_t epoch = 0;
    const std::function<void()>* observe = nullptr;  // the dialer's; it outlives its dials
    tree::WsLinkEvents* events = nullptr;
    std::function<void(std::shared_ptr<tree::WsLink>)> done;
  };

  void Dial(DialRequest req, const std::string& host, Duration timeout);
  void Connect(const DialRequest& req, size_t to);
  // Sends item from side `from` of pipe to the other side.
  void Send(const std::shared_ptr<Pipe>& pipe, int from, Item item);
  // item reached side `to`: handled now, or queued while that side does not read.
  void Arrive(const std::shared_ptr<Pipe>& pipe, int to, Item item);
  void Handle(const std::shared_ptr<Pipe>& pipe, int to, const Item& item);
  // Hands side `to` its queued frames until it pauses again.
  void Drain(const std::shared_ptr<Pipe>& pipe, int to);
  // Reports OnClosed to side `to` once.
  void Report(const std::shared_ptr<Pipe>& pipe, int to);
  void Close(const std::shared_ptr<Pipe>& pipe, int side);
  void Terminate(const std::shared_ptr<Pipe>& pipe, int side);
  void Resume(const std::shared_ptr<Pipe>& pipe, int side);
  std::vector<std::weak_ptr<Pipe>>& PipesAt(size_t slot);
  uint64_t& EpochOf(size_t slot);

  Network& network_;
  EventLoop& loop_;
  const Duration close_timeout_;
  const Acceptor acceptor_;
  std::vector<std::vector<std::weak_ptr<Pipe>>> pipes_by_slot_;
  std::vector<uint64_t> epochs_;  // bumped by DropSlot
  uint64_t frames_ = 0;
};

}  // namespace repram::sim
