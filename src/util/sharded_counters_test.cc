#include "util/sharded_counters.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace repram {
namespace {

TEST(ShardedCountersTest, IncrementsFromManyThreadsAllCount) {
  ShardedCounters<3> counters;
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {  // more threads than shards: some share one
    threads.emplace_back([&counters, t] {
      for (int i = 0; i < 1000; ++i) counters.Increment(static_cast<size_t>(t % 2));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counters.Sum(0), 6000u);
  EXPECT_EQ(counters.Sum(1), 6000u);
  EXPECT_EQ(counters.Sum(2), 0u);
}

TEST(ShardedCountersTest, EachThreadKeepsOneIndexAndThreadsGetDistinctOnes) {
  const size_t mine = ThreadShardIndex();
  EXPECT_EQ(ThreadShardIndex(), mine);
  size_t other = mine;
  std::thread([&other] { other = ThreadShardIndex(); }).join();
  EXPECT_NE(other, mine);
}

}  // namespace
}  // namespace repram
