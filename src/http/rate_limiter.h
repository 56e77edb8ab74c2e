#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/clock.h"
#include "util/mutex.h"
#include "util/string_map.h"

namespace repram::http {

// Per-client token buckets with the upstream integer-refill algorithm (http-api.md §9.3): burst =
// 2 x rate, whole tokens added per elapsed second fraction, fractional remainder dropped.
// Rate 0 refuses everything. IPv6 clients are grouped by /64 (one subscriber's prefix), so
// rotating addresses inside it does not escape the limit. The map holds at most max_buckets
// buckets: beyond that the least recently used bucket is forgotten, so no number of distinct
// addresses can grow it. Thread-safe: the map is split into shards, each with its own mutex.
class RateLimiter {
 public:
  // Default cap on the number of buckets (about 10 MiB at most).
  static constexpr size_t kDefaultMaxBuckets = 65536;

  // REQUIRES: clock outlives the limiter; max_buckets >= 1.
  RateLimiter(const Clock& clock, int64_t rate_per_second, size_t max_buckets = kDefaultMaxBuckets);

  // Takes one token from the bucket of ip (its /64 for IPv6). Returns false when the bucket is
  // empty (answer 429).
  bool Allow(std::string_view ip);
  // Returns how many times Allow returned false.
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  // Returns the number of buckets held.
  size_t size() const;

  // Drops buckets not refilled for 10 minutes. Called every 5 minutes. Returns how many.
  size_t DropIdle();

 private:
  bool TakeToken(std::string_view key);

  struct Bucket {
    std::string key;
    int64_t tokens;
    MonoTime last_refill;
  };
  struct Shard {
    mutable Mutex mu;
    std::list<Bucket> lru GUARDED_BY(mu);  // most recently used first
    // Keys are views of the list's strings (list nodes never move).
    std::unordered_map<std::string_view, std::list<Bucket>::iterator, StringHash> index
        GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;

  const Clock& clock_;
  const int64_t rate_;
  const int64_t burst_;
  const size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> refused_{0};
};

// Returns the rate-limit bucket key of a client address: an IPv6 address becomes its /64 prefix
// ("2001:db8:1:2::/64"); anything else (IPv4, or a string that is no IPv6 address) is kept as is.
std::string RateLimitKey(std::string_view ip);

}  // namespace repram::http
