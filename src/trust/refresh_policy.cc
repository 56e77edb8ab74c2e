#include "trust/refresh_policy.h"

#include <algorithm>

namespace repram::trust {

Duration SuccessDelay(int64_t exp, int64_t now, double u01) {
  if (exp <= now) return Duration::zero();
  using Seconds = std::chrono::duration<double>;
  const double remaining = static_cast<double>(exp - now);
  const double lowest = kRefreshRotationFraction * (1 - kRefreshJitter) * remaining;
  const double span = kRefreshRotationFraction * 2 * kRefreshJitter * remaining;
  Duration delay = std::chrono::round<Duration>(Seconds(lowest + span * u01));
  // Floating-point rounding must not reach the excluded upper end 0.99 × remaining.
  const Duration excluded = std::chrono::round<Duration>(Seconds(lowest + span));
  delay = std::min(delay, excluded - Duration(1));
  return std::max<Duration>(delay, std::chrono::seconds(1));
}

RefreshPolicy::RefreshPolicy(int64_t current_exp) : current_exp_(current_exp) {}

void RefreshPolicy::OnAttemptStart(MonoTime now) {
  attempt_running_ = true;
  last_attempt_start_ = now;
}

RefreshPolicy::Outcome RefreshPolicy::OnFetched(int64_t exp, int64_t now, double u01) {
  if (exp < current_exp_) return {false, OnFailure()};
  attempt_running_ = false;
  current_exp_ = exp;
  backoff_ = kRefreshBackoffMin;
  expired_noticed_ = false;
  return {true, SuccessDelay(exp, now, u01)};
}

Duration RefreshPolicy::OnFailure() {
  attempt_running_ = false;
  const Duration delay = backoff_;
  backoff_ = std::min(2 * backoff_, kRefreshBackoffMax);
  return delay;
}

bool RefreshPolicy::TakeExpiredNotice(int64_t now) {
  if (now < current_exp_ || expired_noticed_) return false;
  expired_noticed_ = true;
  return true;
}

std::optional<Duration> RefreshPolicy::OnDemand(MonoTime now,
                                                std::optional<MonoTime> next_due) const {
  if (attempt_running_) return std::nullopt;
  MonoTime run_at = now;
  if (last_attempt_start_ && now - *last_attempt_start_ < kOnDemandSpacing) {
    run_at = *last_attempt_start_ + kOnDemandSpacing;
  }
  if (next_due && *next_due <= run_at) return std::nullopt;
  return run_at - now;
}

}  // namespace repram::trust
