#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/ws_relay.h"
#include "tree/ack_routes.h"
#include "tree/children.h"
#include "tree/frame_sender.h"
#include "tree/heartbeat.h"
#include "tree/tree_options.h"
#include "tree/tree_port.h"
#include "util/mutex.h"
#include "util/scheduler.h"

namespace repram::tree {

// The substrate role (REPRAM_INBOUND=true, ws-tree.md §6.1, §7, §9, §10.2-10.4): accepts
// children on upgraded /v1/ws connections, checks their hello, redirects above capacity,
// replaces duplicates, heartbeats every link, relays child PUTs to the mesh and pushes mesh PUTs
// down, routes ACKs back. It is the cluster's WsRelay.
// Thread-safe: link events arrive on any I/O thread, timers on the scheduler's; one mutex guards
// the state and the cluster port is never called while it is held.
class Substrate final : public WsLinkEvents, public cluster::WsRelay {
 public:
  Substrate(TreeOptions options, TreeClusterPort& cluster, Scheduler& scheduler,
            TreeMetrics& metrics);
  ~Substrate() override;

  // Sends every child one goodbye ("shutdown", alternatives for our enclave), waits `grace`
  // (the main thread sleeps: never call it on an I/O thread), closes every link 1001 and
  // cancels every timer. Links that open afterwards are closed at once.
  void Shutdown(Duration grace);

  // Returns the registered children, sorted by id.
  std::vector<ChildRegistry::Child> Children() const;

  // WsLinkEvents
  void OnOpen(const std::shared_ptr<WsLink>& link) override;
  void OnText(const std::shared_ptr<WsLink>& link, std::string_view text) override;
  void OnPong(const std::shared_ptr<WsLink>& link) override;
  void OnClosed(const std::shared_ptr<WsLink>& link) override;

  // cluster::WsRelay
  bool SendAck(const cluster::SimpleMessage& ack) override;
  bool RouteAck(const cluster::SimpleMessage& ack) override;
  void PushToChildren(const cluster::SimpleMessage& put) override;
  std::optional<std::string> AttachedParent() override { return std::nullopt; }
  bool SendToParent(const cluster::SimpleMessage&) override { return false; }

 private:
  struct LinkState {
    std::shared_ptr<WsLink> link;
    std::string child_id;  // empty until a hello registered it (or after it was replaced)
    std::string enclave;
    Heartbeat heartbeat;
    std::unique_ptr<Scheduler::Task> timer;  // hello deadline, then heartbeat / redirect close
    // Relay pacing (TreeOptions::relay_window_*): this child's relayed PUTs still being sent.
    size_t relay_messages = 0;
    size_t relay_bytes = 0;
    bool paused = false;       // its link is not being read
    bool drain_first = false;  // paused by congestion or the total: resume once nothing is sent
  };
  // The bytes one relayed PUT holds until its mesh sends finished.
  struct RelayCharge {
    size_t bytes = 0;
    bool done = false;  // the sends finished (possibly before RelayChildPut returned)
  };

  void OnHello(const std::shared_ptr<WsLink>& link, std::string_view payload);
  void OnChildGossip(const std::shared_ptr<WsLink>& link, const std::string& child_id,
                     std::string_view payload);
  void OnChildPut(const std::shared_ptr<WsLink>& link, const std::string& child_id,
                  const cluster::SimpleMessage& put);
  // Relays put and pauses the link when the relay window is full.
  [[nodiscard]] bool Relay(const std::shared_ptr<WsLink>& link, const cluster::SimpleMessage& put)
      EXCLUDES(mu_);
  // A relayed PUT of link finished its mesh sends: releases its charge, maybe resumes the link.
  void OnRelaySent(const std::shared_ptr<WsLink>& link, RelayCharge& charge) EXCLUDES(mu_);
  // Runs the heartbeat of one link and re-arms it.
  void HeartbeatTick(WsLink* link) EXCLUDES(mu_);
  // Arms the heartbeat timer of state.
  void ArmHeartbeat(LinkState& state) REQUIRES(mu_);

  const TreeOptions options_;
  TreeClusterPort& cluster_;
  Scheduler& scheduler_;
  TreeMetrics& metrics_;
  const FrameSender sender_;

  mutable Mutex mu_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::map<WsLink*, LinkState> links_ GUARDED_BY(mu_);
  ChildRegistry children_ GUARDED_BY(mu_);
  AckRoutes ack_routes_ GUARDED_BY(mu_);
  size_t relay_bytes_ GUARDED_BY(mu_) = 0;  // all children's relayed PUTs still being sent
};

}  // namespace repram::tree
