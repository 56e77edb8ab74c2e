#include "cluster/dedup_cache.h"

#include <gtest/gtest.h>

#include <string>

#include "util/fake_clock.h"

namespace repram::cluster {
namespace {

using std::chrono::seconds;

TEST(DedupCacheTest, SecondSightIsADuplicateUntilTheTtlPasses) {
  FakeClock clock;
  DedupCache cache;
  EXPECT_TRUE(cache.MarkFirstSeen("m-1", clock.Now()));
  EXPECT_FALSE(cache.MarkFirstSeen("m-1", clock.Now()));
  clock.Advance(seconds(59));
  EXPECT_FALSE(cache.MarkFirstSeen("m-1", clock.Now()));
  clock.Advance(seconds(1));
  EXPECT_TRUE(cache.MarkFirstSeen("m-1", clock.Now()));
}

TEST(DedupCacheTest, PurgeDropsOnlyExpiredEntries) {
  FakeClock clock;
  DedupCache cache;
  EXPECT_TRUE(cache.MarkFirstSeen("old", clock.Now()));
  clock.Advance(seconds(30));
  EXPECT_TRUE(cache.MarkFirstSeen("new", clock.Now()));
  clock.Advance(seconds(31));
  cache.PurgeExpired(clock.Now());
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.Contains("new", clock.Now()));
  EXPECT_FALSE(cache.Contains("old", clock.Now()));
}

TEST(DedupCacheTest, DefaultCapacityIsOneHundredThousand) {
  FakeClock clock;
  DedupCache cache;
  for (int i = 0; i < 100'000; ++i) {
    ASSERT_TRUE(cache.MarkFirstSeen("m-" + std::to_string(i), clock.Now()));
  }
  EXPECT_EQ(cache.size(), 100'000u);
  EXPECT_TRUE(cache.MarkFirstSeen("one-more", clock.Now()));
  EXPECT_LE(cache.size(), 100'000u);
}

TEST(DedupCacheTest, WhenFullDropsExpiredEntriesFirst) {
  FakeClock clock;
  DedupCache cache(seconds(60), 4);
  cache.MarkFirstSeen("a", clock.Now());
  cache.MarkFirstSeen("b", clock.Now());
  clock.Advance(seconds(30));
  cache.MarkFirstSeen("c", clock.Now());
  cache.MarkFirstSeen("d", clock.Now());
  clock.Advance(seconds(31));  // a, b expired; c, d live
  EXPECT_TRUE(cache.MarkFirstSeen("e", clock.Now()));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.Contains("c", clock.Now()));
  EXPECT_TRUE(cache.Contains("d", clock.Now()));
  EXPECT_TRUE(cache.Contains("e", clock.Now()));
}

TEST(DedupCacheTest, WhenFullOfLiveEntriesDropsOnlyTheOldest) {
  FakeClock clock;
  DedupCache cache(seconds(60), 6);
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) {
    cache.MarkFirstSeen(id, clock.Now());
    clock.Advance(seconds(1));
  }
  EXPECT_TRUE(cache.MarkFirstSeen("g", clock.Now()));
  EXPECT_EQ(cache.size(), 6u);
  EXPECT_FALSE(cache.Contains("a", clock.Now()));
  for (const char* kept : {"b", "c", "d", "e", "f", "g"}) {
    EXPECT_TRUE(cache.Contains(kept, clock.Now()));
  }
}

TEST(DedupCacheTest, DropsTheFirstInsertedWhenExpiriesTie) {
  FakeClock clock;
  DedupCache cache(seconds(60), 4);
  for (const char* id : {"a", "b", "c", "d"}) cache.MarkFirstSeen(id, clock.Now());
  EXPECT_TRUE(cache.MarkFirstSeen("e", clock.Now()));
  EXPECT_EQ(cache.size(), 4u);
  EXPECT_FALSE(cache.Contains("a", clock.Now()));
  EXPECT_TRUE(cache.Contains("b", clock.Now()));
}

}  // namespace
}  // namespace repram::cluster
