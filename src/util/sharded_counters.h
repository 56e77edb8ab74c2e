#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace repram {

// Returns a small number fixed for the calling thread: 0, 1, 2, ... in the order threads first ask.
size_t ThreadShardIndex();

// N event counters that several threads increment at once. Each thread adds to its own cache
// line (threads beyond kShards share one), so concurrent writers do not pass a line back and
// forth on every event; a read sums the lines. Thread-safe.
template <size_t N>
class ShardedCounters {
 public:
  static constexpr size_t kShards = 8;

  // Adds 1 to counter i. REQUIRES: i < N.
  void Increment(size_t i) {
    shards_[ThreadShardIndex() % kShards].values[i].fetch_add(1, std::memory_order_relaxed);
  }

  // Returns counter i summed over the shards. REQUIRES: i < N.
  uint64_t Sum(size_t i) const {
    uint64_t total = 0;
    for (const Shard& s : shards_) total += s.values[i].load(std::memory_order_relaxed);
    return total;
  }

 private:
  struct alignas(64) Shard {
    std::array<std::atomic<uint64_t>, N> values{};
  };
  std::array<Shard, kShards> shards_{};
};

}  // namespace repram
