#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/clock.h"
#include "util/mutex.h"
#include "util/string_map.h"

namespace repram::http {

// Per-IP token buckets with the upstream integer-refill algorithm (http-api.md §9.3): burst =
// 2 x rate, whole tokens added per elapsed second fraction, fractional remainder dropped.
// Rate 0 refuses everything. Thread-safe: the map is split into shards, each with its own mutex.
class RateLimiter {
 public:
  // REQUIRES: clock outlives the limiter.
  RateLimiter(const Clock& clock, int64_t rate_per_second);

  // Takes one token from ip's bucket. Returns false when the bucket is empty (answer 429).
  bool Allow(std::string_view ip);
  // Returns how many times Allow returned false.
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

  // Drops buckets not refilled for 10 minutes. Called every 5 minutes. Returns how many.
  size_t DropIdle();

 private:
  bool TakeToken(std::string_view ip);

  struct BucketState {
    int64_t tokens;
    MonoTime last_refill;
  };
  struct Shard {
    Mutex mu;
    StringMap<BucketState> buckets GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;

  const Clock& clock_;
  const int64_t rate_;
  const int64_t burst_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> refused_{0};
};

}  // namespace repram::http
