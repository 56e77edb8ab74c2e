#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "util/clock.h"

namespace repram::trust {

// Refresher constants (trust.md §10).
inline constexpr double kRefreshRotationFraction = 0.9;
inline constexpr double kRefreshJitter = 0.1;
inline constexpr Duration kRefreshBackoffMin = std::chrono::seconds(30);
inline constexpr Duration kRefreshBackoffMax = std::chrono::minutes(10);
inline constexpr Duration kOnDemandSpacing = std::chrono::seconds(30);

// Returns the delay before the next refresh of a list expiring at exp, applied at Unix time now:
// 0 if expired, else 0.9 × remaining × (1 + u) with u = −0.1 + 0.2 × u01 (u01 in [0, 1)), at
// least 1 s.
Duration SuccessDelay(int64_t exp, int64_t now, double u01);

// The refresher's decisions, free of timers and threads (trust.md §10): when to refresh next,
// backoff after failures, anti-rollback, once-only expiry notice and on-demand coalescing. The
// Refresher feeds it events. Not thread-safe: the owner serialises calls.
class RefreshPolicy {
 public:
  // Starts from the list currently in use (the one startup produced).
  explicit RefreshPolicy(int64_t current_exp);

  int64_t current_exp() const { return current_exp_; }
  bool attempt_running() const { return attempt_running_; }

  // Records that an attempt starts at monotonic time now.
  void OnAttemptStart(MonoTime now);

  struct Outcome {
    bool accepted;  // false: refused by anti-rollback, handled as a failure
    Duration next_delay;
  };
  // Ends the running attempt with a verified list expiring at exp, fetched at Unix time now.
  // Accepts it unless exp < current_exp (equal is accepted); acceptance resets the backoff and
  // schedules by SuccessDelay(exp, now, u01); refusal behaves like OnFailure.
  Outcome OnFetched(int64_t exp, int64_t now, double u01);
  // Ends the running attempt as failed: returns the retry delay (30 s, then doubled up to 10 min).
  Duration OnFailure();
  // Returns true exactly once per list, the first time it is asked at or after current_exp.
  bool TakeExpiredNotice(int64_t now);
  // Decides an on-demand request at monotonic time now, given when the next attempt is already
  // due (if any). Returns the delay from now at which to run an attempt, or nullopt to do
  // nothing: an attempt is running, or one is already due no later than the spacing allows.
  std::optional<Duration> OnDemand(MonoTime now, std::optional<MonoTime> next_due) const;

 private:
  int64_t current_exp_;
  Duration backoff_ = kRefreshBackoffMin;
  bool attempt_running_ = false;
  std::optional<MonoTime> last_attempt_start_;
  bool expired_noticed_ = false;
};

}  // namespace repram::trust
