#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cluster/callback_guard.h"
#include "cluster/isolation_policy.h"
#include "cluster/metrics.h"
#include "cluster/seed_provider.h"
#include "util/mutex.h"
#include "util/rng.h"
#include "util/scheduler.h"

namespace repram::cluster {

// The isolation recovery loop (cluster.md §11, D26): every interval (first at start + one
// interval) it checks the peer count; at or below the threshold it asks the seed provider for
// the current seeds and re-bootstraps from them. Single-flight; provider and re-bootstrap errors
// are logged and swallowed; backoff with jitter after failed attempts (IsolationPolicy); metrics
// repram_isolation_recoveries_total / _failures_total (the owner keeps repram_isolated); in
// public mode each attempt first requests an on-demand omega refresh.
// Thread-safe. Provider, re-bootstrap and refresh hook are called without internal locks held.
class IsolationRecovery {
 public:
  struct Options {
    Duration interval = std::chrono::seconds(30);      // REPRAM_ISOLATION_INTERVAL
    Duration max_backoff = std::chrono::seconds(120);  // REPRAM_ISOLATION_MAX_BACKOFF
    size_t threshold = 0;                              // REPRAM_ISOLATION_THRESHOLD
  };
  // Returns the current peer count (all enclaves).
  using PeerCount = std::function<size_t()>;
  // Runs the joiner algorithm over seeds and calls done once when finished. May throw.
  using Rebootstrap =
      std::function<void(std::vector<std::string> seeds, std::function<void()> done)>;

  // provider == nullptr disables recovery (private network without REPRAM_PEERS).
  // request_refresh is set only in public mode; on_recovered (optional) runs after each
  // successful attempt (the catch-up trigger). REQUIRES: every reference outlives this object.
  IsolationRecovery(Options options, Scheduler& scheduler, Rng& rng, ClusterMetrics& metrics,
                    SeedProvider* provider, PeerCount peer_count, Rebootstrap rebootstrap,
                    std::function<void()> request_refresh, std::function<void()> on_recovered = {});
  ~IsolationRecovery();

  // Schedules the first check one interval from now. No-op without a provider.
  void Start();
  // Cancels the loop; after it returns no provider, re-bootstrap or done callback runs.
  // REQUIRES: not called from a callback of this object.
  void Stop();

  // Runs one check now and calls done(true) iff it attempted a re-bootstrap and the peer count
  // afterwards is above the threshold (synchronously unless the re-bootstrap completes later).
  void Check(std::function<void(bool)> done);

 private:
  void Tick();
  void Finish(CheckOutcome outcome, const std::function<void(bool, Duration)>& done);
  void RunCheck(const std::function<void(bool, Duration)>& done);

  const Options options_;
  Scheduler& scheduler_;
  Rng& rng_;
  ClusterMetrics& metrics_;
  SeedProvider* const provider_;
  const PeerCount peer_count_;
  const Rebootstrap rebootstrap_;
  const std::function<void()> request_refresh_;
  const std::function<void()> on_recovered_;
  CallbackGuard guard_;

  Mutex mu_;
  IsolationPolicy policy_ GUARDED_BY(mu_);
  bool running_ GUARDED_BY(mu_) = false;
  bool stopped_ GUARDED_BY(mu_) = false;
  std::unique_ptr<Scheduler::Task> timer_ GUARDED_BY(mu_);
};

}  // namespace repram::cluster
