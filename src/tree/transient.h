#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/seed_provider.h"
#include "cluster/ws_relay.h"
#include "tree/frame_sender.h"
#include "tree/heartbeat.h"
#include "tree/reattach_plan.h"
#include "tree/tree_options.h"
#include "tree/tree_port.h"
#include "tree/ws_dialer.h"
#include "util/mutex.h"
#include "util/scheduler.h"

namespace repram::tree {

// The transient role (the default, ws-tree.md §6.2, §7.2-7.3, §8, §9): attaches to one
// substrate after the HTTP bootstrap, keeps the link alive with a heartbeat, and on every
// failure, close, heartbeat death or goodbye runs the reattach loop (goodbye alternatives, then
// the cached welcome topology, then the seed provider; backoff 5 s x2 up to 60 s). It is the
// cluster's WsRelay: client writes go to the parent first, ACKs to the parent go over the link.
// Thread-safe: one mutex; the cluster port, the dialer and the seed provider are never called
// while it is held.
class Transient final : public WsLinkEvents, public cluster::WsRelay {
 public:
  // initial_seeds: the startup seed list ("host:port", cluster.md §7.4) tried first;
  // seed_provider (may be null): the isolation-recovery seeds for layer 3 afterwards.
  Transient(TreeOptions options, std::vector<std::string> initial_seeds,
            cluster::SeedProvider* seed_provider, TreeClusterPort& cluster, WsDialer& dialer,
            Scheduler& scheduler, TreeMetrics& metrics);
  ~Transient() override;

  // Schedules the initial attach options.initial_attach_delay from now (call it once the HTTP
  // bootstrap completed).
  void Start();
  // Closes the parent 1000 "shutting down", abandons any attempt, stops the loop and every
  // timer. Idempotent; afterwards no callback of this object acts.
  void Stop();

  // Returns the parent's id while attached.
  std::optional<std::string> ParentId() const;

  // WsLinkEvents
  void OnOpen(const std::shared_ptr<WsLink>&) override {}
  void OnText(const std::shared_ptr<WsLink>& link, std::string_view text) override;
  void OnPong(const std::shared_ptr<WsLink>& link) override;
  void OnClosed(const std::shared_ptr<WsLink>& link) override;

  // cluster::WsRelay
  bool SendAck(const cluster::SimpleMessage& ack) override;
  bool RouteAck(const cluster::SimpleMessage&) override { return false; }
  void PushToChildren(const cluster::SimpleMessage&) override {}
  std::optional<std::string> AttachedParent() override { return ParentId(); }
  bool SendToParent(const cluster::SimpleMessage& put) override;

 private:
  struct Attempt {
    uint64_t id = 0;
    Candidate candidate;
    std::shared_ptr<WsLink> link;  // set once dialled
  };

  // Starts one iteration of the loop with these goodbye alternatives (layer 1).
  void BeginIteration(const std::vector<cluster::NodeInfo>& goodbye_alternatives);
  // Dials the plan's next candidate, or sleeps the backoff when the iteration is exhausted.
  void TryNext();
  void OnDialed(uint64_t attempt_id, const std::shared_ptr<WsLink>& link);
  // Abandons attempt attempt_id (closing its link 1000 "") and moves on.
  void FailAttempt(uint64_t attempt_id, std::string_view why);
  void OnWelcome(const std::shared_ptr<WsLink>& link, std::string_view payload);
  void OnGoodbye(const std::shared_ptr<WsLink>& link, std::string_view payload);
  // Handles a gossip frame from the parent (or the attaching link).
  void OnGossip(WsLink& link, std::string_view payload);
  // Loses the parent link and starts the reattach loop.
  void LoseParent(const std::shared_ptr<WsLink>& link, std::string_view why,
                  const std::vector<cluster::NodeInfo>& alternatives) EXCLUDES(mu_);
  void HeartbeatTick();
  // Arms the heartbeat timer.
  void ArmHeartbeat() REQUIRES(mu_);

  const TreeOptions options_;
  const std::vector<std::string> initial_seeds_;
  cluster::SeedProvider* const seed_provider_;
  TreeClusterPort& cluster_;
  WsDialer& dialer_;
  Scheduler& scheduler_;
  TreeMetrics& metrics_;
  const FrameSender sender_;

  mutable Mutex mu_;
  bool stopped_ GUARDED_BY(mu_) = false;
  bool ever_attached_ GUARDED_BY(mu_) = false;
  bool initial_pass_ GUARDED_BY(mu_) = true;
  bool reattaching_ GUARDED_BY(mu_) = false;
  std::shared_ptr<WsLink> parent_ GUARDED_BY(mu_);
  std::string parent_id_ GUARDED_BY(mu_);
  std::vector<cluster::NodeInfo> cached_alternatives_ GUARDED_BY(mu_);
  std::optional<ReattachPlan> plan_ GUARDED_BY(mu_);
  std::optional<Attempt> attempt_ GUARDED_BY(mu_);
  uint64_t next_attempt_id_ GUARDED_BY(mu_) = 0;
  Backoff backoff_ GUARDED_BY(mu_);
  Heartbeat heartbeat_ GUARDED_BY(mu_);
  std::unique_ptr<Scheduler::Task> start_timer_ GUARDED_BY(mu_);
  std::unique_ptr<Scheduler::Task> attempt_timer_ GUARDED_BY(mu_);
  std::unique_ptr<Scheduler::Task> sleep_timer_ GUARDED_BY(mu_);
  std::unique_ptr<Scheduler::Task> heartbeat_timer_ GUARDED_BY(mu_);
};

}  // namespace repram::tree
