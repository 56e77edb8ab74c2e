#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "store/ttl_store.h"
#include "util/fake_clock.h"

namespace repram {
namespace {

// Four threads mix Put/Get/List/Reclaim on overlapping keys while the clock moves; afterwards
// the counters must agree with what a full listing and point reads see.
TEST(TtlStoreStressTest, ConcurrentMixedOperationsKeepCountsConsistent) {
  FakeClock clock;
  TtlStore store(clock, 0);
  constexpr int kThreads = 4;
  constexpr int kOpsPerThread = 40'000;
  constexpr int kKeySpace = 2'000;
  std::atomic<bool> bad_listing{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint64_t x = 88172645463325252ULL + t;  // xorshift: cheap, deterministic per thread
      for (int i = 0; i < kOpsPerThread; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const std::string key = "k" + std::to_string(x % kKeySpace);
        switch (x % 97) {
          case 0: {
            KeyPage page = store.List("k1", "", 50);
            for (size_t j = 1; j < page.keys.size(); ++j) {
              if (!(page.keys[j - 1] < page.keys[j])) bad_listing = true;
            }
            break;
          }
          case 1:
            store.ReclaimExpired();
            break;
          case 2:
            clock.Advance(std::chrono::milliseconds(50));
            break;
          default:
            if (x % 3 == 0) {
              (void)store.Get(key);
            } else {
              const int64_t ttl = 1 + static_cast<int64_t>(x % 5);
              ASSERT_TRUE(store.Put(key, std::string(x % 64, 'v'), ttl).ok());
            }
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_FALSE(bad_listing);

  // Nothing expired is left after a reclaim at a frozen time, so the counters equal a recount.
  store.ReclaimExpired();
  const std::vector<std::string> keys = store.List("", "", 0).keys;
  uint64_t bytes = 0;
  for (const std::string& k : keys) {
    auto got = store.Get(k);
    ASSERT_TRUE(got.has_value());
    bytes += got->value.size();
  }
  EXPECT_EQ(store.entry_count(), keys.size());
  EXPECT_EQ(store.payload_bytes(), bytes);
  clock.Advance(std::chrono::seconds(10));
  EXPECT_EQ(store.ReclaimExpired(), keys.size());
  EXPECT_EQ(store.entry_count(), 0u);
  EXPECT_EQ(store.payload_bytes(), 0u);
}

}  // namespace
}  // namespace repram
