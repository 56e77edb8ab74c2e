#include "cluster/isolation_policy.h"

#include <algorithm>

namespace repram::cluster {

Duration IsolationPolicy::OnCheck(CheckOutcome outcome, Rng& rng) {
  switch (outcome) {
    case CheckOutcome::kNotIsolated:
    case CheckOutcome::kSucceeded:
      failures_ = 0;
      break;
    case CheckOutcome::kFailed:
      ++failures_;
      break;
    case CheckOutcome::kSkipped:
      break;
  }
  if (failures_ == 0) return interval_;
  Duration base = interval_;
  for (int i = 1; i < failures_ && base < max_backoff_; ++i) base *= 2;
  base = std::min(base, max_backoff_);
  const double factor = 1.0 + (rng.Uniform01() * 2.0 - 1.0) * kJitter;
  return std::chrono::duration_cast<Duration>(
      std::chrono::duration<double, Duration::period>(static_cast<double>(base.count()) * factor));
}

}  // namespace repram::cluster
