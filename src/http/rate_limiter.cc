#include "http/rate_limiter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <functional>

namespace repram::http {

std::string RateLimitKey(std::string_view ip) {
  if (ip.find(':') == std::string_view::npos || ip.size() >= INET6_ADDRSTRLEN) {
    return std::string(ip);
  }
  char text[INET6_ADDRSTRLEN] = {};
  std::memcpy(text, ip.data(), ip.size());
  in6_addr addr{};
  if (inet_pton(AF_INET6, text, &addr) != 1) return std::string(ip);
  char out[INET6_ADDRSTRLEN] = {};
  if (IN6_IS_ADDR_V4MAPPED(&addr)) {  // an IPv4 client: its own bucket, as a.b.c.d
    return inet_ntop(AF_INET, &addr.s6_addr[12], out, sizeof out) ? std::string(out)
                                                                  : std::string(ip);
  }
  std::memset(&addr.s6_addr[8], 0, 8);
  if (inet_ntop(AF_INET6, &addr, out, sizeof out) == nullptr) return std::string(ip);
  return std::string(out) + "/64";
}

RateLimiter::RateLimiter(const Clock& clock, int64_t rate_per_second, size_t max_buckets)
    : clock_(clock),
      rate_(rate_per_second),
      burst_(2 * rate_per_second),
      max_per_shard_(std::max<size_t>(1, max_buckets / kShards)) {}

bool RateLimiter::Allow(std::string_view ip) {
  if (TakeToken(RateLimitKey(ip))) return true;
  refused_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

bool RateLimiter::TakeToken(std::string_view key) {
  if (burst_ <= 0) return false;
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  const MonoTime now = clock_.Now();
  MutexLock lock(shard.mu);
  auto it = shard.index.find(key);
  if (it == shard.index.end()) {
    if (shard.lru.size() >= max_per_shard_) {  // forget the least recently used client
      shard.index.erase(shard.lru.back().key);
      shard.lru.pop_back();
    }
    shard.lru.push_front(Bucket{std::string(key), burst_, now});
    it = shard.index.emplace(shard.lru.front().key, shard.lru.begin()).first;
  } else if (it->second != shard.lru.begin()) {
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  }
  Bucket& b = *it->second;
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

size_t RateLimiter::size() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    MutexLock lock(shard.mu);
    n += shard.lru.size();
  }
  return n;
}

size_t RateLimiter::DropIdle() {
  const MonoTime cutoff = clock_.Now() - std::chrono::minutes(10);
  size_t dropped = 0;
  for (Shard& shard : shards_) {
    MutexLock lock(shard.mu);
    for (auto it = shard.lru.begin(); it != shard.lru.end();) {
      if (it->last_refill < cutoff) {
        shard.index.erase(it->key);
        it = shard.lru.erase(it);
        ++dropped;
      } else {
        ++it;
      }
    }
  }
  return dropped;
}

}  // namespace repram::http
