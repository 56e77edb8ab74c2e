#include "http/rate_limiter.h"

#include <algorithm>
#include <functional>

namespace repram::http {

RateLimiter::RateLimiter(const Clock& clock, int64_t rate_per_second)
    : clock_(clock), rate_(rate_per_second), burst_(2 * rate_per_second) {}

bool RateLimiter::Allow(std::string_view ip) {
  if (TakeToken(ip)) return true;
  refused_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

bool RateLimiter::TakeToken(std::string_view ip) {
  if (burst_ <= 0) return false;
  Shard& shard = shards_[std::hash<std::string_view>{}(ip) % kShards];
  const MonoTime now = clock_.Now();
  MutexLock lock(shard.mu);
  auto it = shard.buckets.find(ip);
  if (it == shard.buckets.end()) {
    it = shard.buckets.emplace(std::string(ip), BucketState{burst_, now}).first;
  }
  BucketState& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.last_refill).count();
  const auto add = static_cast<int64_t>(elapsed * static_cast<double>(rate_));
  if (add > 0) {
    b.tokens = std::min(burst_, b.tokens + add);
    b.last_refill = now;
  }
  if (b.tokens <= 0) return false;
  --b.tokens;
  return true;
}

size_t RateLimiter::DropIdle() {
  const MonoTime cutoff = clock_.Now() - std::chrono::minutes(10);
  size_t dropped = 0;
  for (Shard& shard : shards_) {
    MutexLock lock(shard.mu);
    dropped += std::erase_if(shard.buckets,
                             [&](const auto& kv) { return kv.second.last_refill < cutoff; });
  }
  return dropped;
}

}  // namespace repram::http
