#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tree/frame.h"
#include "tree/tree_port.h"
#include "tree/ws_dialer.h"
#include "tree/ws_link.h"

namespace repram::tree::testing {

// A link that records what the tree sends and whether it closed.
class FakeLink final : public WsLink {
 public:
  void SendText(std::string frame) override { sent.push_back(std::move(frame)); }
  void SendPing() override { ++pings; }
  void Close(uint16_t code, std::string reason) override {
    if (!open) return;
    open = false;
    close_code = code;
    close_reason = std::move(reason);
  }
  void Terminate() override {
    open = false;
    terminated = true;
  }
  bool IsOpen() const override { return open; }
  bool Congested() const override { return congested; }
  void PauseReading() override { paused = true; }
  void ResumeReading() override { paused = false; }

  // Returns the payloads of the sent frames of one type (decoded without a secret).
  std::vector<std::string> Sent(FrameType type) const {
    std::vector<std::string> out;
    for (const std::string& text : sent) {
      ReceivedFrame frame;
      if (DecodeFrame(text, "", frame) == FrameCheck::kOk && frame.type == type) {
        out.emplace_back(frame.payload);
      }
    }
    return out;
  }

  std::vector<std::string> sent;
  int pings = 0;
  bool open = true;
  bool terminated = false;
  bool congested = false;  // what Congested() answers
  bool paused = false;     // between PauseReading and ResumeReading
  uint16_t close_code = 0;
  std::string close_reason;
};

// A cluster port that records the calls.
class FakePort final : public TreeClusterPort {
 public:
  std::vector<cluster::NodeInfo> Peers() override { return peers; }
  void HandleMessage(const cluster::SimpleMessage& msg) override { handled.push_back(msg); }
  void ApplyTopologySync(const cluster::SimpleMessage& msg) override { syncs.push_back(msg); }
  // Records put; keeps `sent` for the test (runs it at once unless relay_sends).
  cluster::ClusterNode::RelayResult RelayChildPut(const cluster::SimpleMessage& put,
                                                  std::function<void()> sent) override {
    relayed.push_back(put);
    const bool stored = relay_outcome == cluster::ClusterNode::RelayOutcome::kStored;
    if (stored && relay_sends) {
      unsent.push_back(std::move(sent));
    } else {
      sent();
    }
    return {relay_outcome, stored && relay_congested};
  }
  // Completes the oldest relay still sending.
  void FinishOldestRelay() {
    std::function<void()> sent = std::move(unsent.front());
    unsent.pop_front();
    sent();
  }
  void CatchUpFromParent(const cluster::NodeInfo& parent) override { catchups.push_back(parent); }

  std::vector<cluster::NodeInfo> peers;
  std::vector<cluster::SimpleMessage> handled;
  std::vector<cluster::SimpleMessage> syncs;
  std::vector<cluster::SimpleMessage> relayed;
  std::vector<cluster::NodeInfo> catchups;
  cluster::ClusterNode::RelayOutcome relay_outcome = cluster::ClusterNode::RelayOutcome::kStored;
  bool relay_sends = false;      // a stored relay has mesh sends (else `sent` runs at once)
  bool relay_congested = false;  // what a stored relay reports
  std::deque<std::function<void()>> unsent;  // `sent` of the relays still sending
};

// A dialer whose dials wait until the test completes them.
class FakeDialer final : public WsDialer {
 public:
  struct Pending {
    std::string host;
    uint16_t port;
    Duration timeout;
    std::function<void(std::shared_ptr<WsLink>)> done;
  };
  void Dial(const std::string& host, uint16_t port, Duration timeout, WsLinkEvents&,
            std::function<void(std::shared_ptr<WsLink>)> done) override {
    dials.push_back(Pending{host, port, timeout, std::move(done)});
  }
  // Completes the oldest pending dial with a new open link (or a failure) and returns the link.
  std::shared_ptr<FakeLink> Complete(bool ok = true) {
    Pending p = std::move(dials.front());
    dials.pop_front();
    std::shared_ptr<FakeLink> link = ok ? std::make_shared<FakeLink>() : nullptr;
    p.done(link);
    return link;
  }

  std::deque<Pending> dials;
};

}  // namespace repram::tree::testing
