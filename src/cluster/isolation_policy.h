#pragma once

#include <chrono>

#include "util/clock.h"
#include "util/rng.h"

namespace repram::cluster {

// What one isolation check did (cluster.md §11.2).
enum class CheckOutcome {
  kNotIsolated,  // peers above the threshold: no attempt, provider not called
  kSkipped,      // isolated but no attempt (no provider, empty seed list, already running)
  kSucceeded,    // the re-bootstrap ran and left peers above the threshold
  kFailed,       // the re-bootstrap ran and did not, or it threw
};

// The pure cadence of isolation recovery: after each check, the delay until the next one.
// Plain interval I while not failing; after k consecutive failed attempts
// min(I * 2^(k-1), max_backoff) * (1 + u), u uniform in [-0.2, +0.2]. Success and "not
// isolated" reset k to 0; skipped checks leave k unchanged.
// Not thread-safe: the owner (IsolationRecovery) serializes access.
class IsolationPolicy {
 public:
  static constexpr double kJitter = 0.2;

  IsolationPolicy(Duration interval, Duration max_backoff)
      : interval_(interval), max_backoff_(max_backoff) {}

  // Records the outcome of a check and returns the delay until the next check.
  Duration OnCheck(CheckOutcome outcome, Rng& rng);

  // Returns the number of consecutive failed attempts.
  int consecutive_failures() const { return failures_; }

 private:
  const Duration interval_;
  const Duration max_backoff_;
  int failures_ = 0;
};

}  // namespace repram::cluster
