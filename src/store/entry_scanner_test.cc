// TtlStore::Scan (EntryScanner) and TtlStore::PutUnlessNewer: the store side of catch-up.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "store/ttl_store.h"
#include "util/fake_clock.h"

namespace repram {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<ScannedEntry> ScanAll(const TtlStore& store, std::string_view cursor = "",
                                  Duration min_remaining = seconds(1)) {
  std::vector<ScannedEntry> out;
  EntryScanner scanner = store.Scan(cursor, min_remaining);
  while (const ScannedEntry* e = scanner.Next()) out.push_back(*e);
  return out;
}

std::vector<std::string> Keys(const std::vector<ScannedEntry>& entries) {
  std::vector<std::string> keys;
  for (const ScannedEntry& e : entries) keys.push_back(e.key);
  return keys;
}

class EntryScannerTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  TtlStore store_{clock_, 0};
};

TEST_F(EntryScannerTest, ReturnsEntriesInByteOrderWithRemainingAndOriginalTtl) {
  ASSERT_TRUE(store_.Put("b", "vb", 300).ok());
  ASSERT_TRUE(store_.Put("a", "va", 60).ok());
  ASSERT_TRUE(store_.Put("\xff", "vff", 60).ok());
  clock_.Advance(milliseconds(2500));
  const std::vector<ScannedEntry> all = ScanAll(store_);
  ASSERT_EQ(Keys(all), (std::vector<std::string>{"a", "b", "\xff"}));
  EXPECT_EQ(all[0].value, "va");
  EXPECT_EQ(all[0].ttl_seconds, 60);
  EXPECT_EQ(all[0].remaining, milliseconds(57500));
  EXPECT_EQ(all[1].ttl_seconds, 300);
  EXPECT_EQ(all[1].remaining, milliseconds(297500));
}

TEST_F(EntryScannerTest, StartsStrictlyAfterTheCursorWhichNeedNotExist) {
  for (const char* key : {"a", "b", "c", "d"}) ASSERT_TRUE(store_.Put(key, "v", 60).ok());
  EXPECT_EQ(Keys(ScanAll(store_, "b")), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(Keys(ScanAll(store_, "bb")), (std::vector<std::string>{"c", "d"}));
  EXPECT_TRUE(ScanAll(store_, "d").empty());
}

TEST_F(EntryScannerTest, LeavesOutEntriesWithLessThanTheMinimumToLive) {
  ASSERT_TRUE(store_.Put("short", "v", 2).ok());
  ASSERT_TRUE(store_.Put("long", "v", 60).ok());
  clock_.Advance(milliseconds(1001));  // "short" has 999 ms left
  EXPECT_EQ(Keys(ScanAll(store_)), std::vector<std::string>{"long"});
  EXPECT_EQ(Keys(ScanAll(store_, "", milliseconds(999))),
            (std::vector<std::string>{"long", "short"}));
  clock_.Advance(seconds(1));  // expired entries are never returned
  EXPECT_EQ(Keys(ScanAll(store_, "", Duration::zero())), std::vector<std::string>{"long"});
}

TEST_F(EntryScannerTest, MergesEveryShardAcrossManyRefills) {
  std::mt19937 rng(7);
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) {
    keys.push_back("k" + std::to_string(rng()));
    ASSERT_TRUE(store_.Put(keys.back(), "value-" + keys.back(), 60).ok());
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const std::vector<ScannedEntry> all = ScanAll(store_);
  EXPECT_EQ(Keys(all), keys);
  for (const ScannedEntry& e : all) ASSERT_EQ(e.value, "value-" + e.key);
  EXPECT_EQ(Keys(ScanAll(store_, keys[2500])),
            std::vector<std::string>(keys.begin() + 2501, keys.end()));
}

TEST_F(EntryScannerTest, WritersProceedBetweenReadsAndKeysStayAscending) {
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(store_.Put("k" + std::to_string(i), "v", 60).ok());
  EntryScanner scanner = store_.Scan("", seconds(1));
  std::vector<std::string> seen;
  while (auto e = scanner.Next()) {
    seen.push_back(e->key);
    // A write in the middle of a scan neither blocks nor breaks the order.
    if (seen.size() == 100) {
      ASSERT_TRUE(store_.Put("k~late", "v", 60).ok());
    }
  }
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(seen.back(), "k~late");
}

TEST_F(EntryScannerTest, LargeValuesAreReadAFewAtATime) {
  const std::string big(300 * 1024, 'x');
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store_.Put("k" + std::to_string(100 + i), big, 60).ok());
  const std::vector<ScannedEntry> all = ScanAll(store_);
  ASSERT_EQ(all.size(), 20u);
  for (const ScannedEntry& e : all) EXPECT_EQ(e.value.size(), big.size());
}

class PutUnlessNewerTest : public ::testing::Test {
 protected:
  FakeClock clock_;
};

TEST_F(PutUnlessNewerTest, ExpiresAfterTheRemainingLifetimeAndKeepsTheOriginalTtl) {
  TtlStore store(clock_, 0);
  const MonoTime now = clock_.Now();
  const WallTime wall = clock_.WallNow();
  Result<bool> stored = store.PutUnlessNewer("k", "v", 600, seconds(42));
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(*stored);
  auto got = store.Get("k");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->value, "v");
  EXPECT_EQ(got->ttl_seconds, 600);
  EXPECT_EQ(got->expires_at, now + seconds(42));
  EXPECT_EQ(got->created_at, wall - seconds(558));  // the original write, in the past
  clock_.Advance(seconds(42));
  EXPECT_FALSE(store.Get("k").has_value());
}

TEST_F(PutUnlessNewerTest, KeepsALocalCopyThatExpiresLater) {
  TtlStore store(clock_, 0);
  ASSERT_TRUE(store.Put("k", "local", 60).ok());
  Result<bool> stored = store.PutUnlessNewer("k", "remote", 600, seconds(60));
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(*stored);  // equal expiry: the local copy stays
  EXPECT_EQ(store.Get("k")->value, "local");
  stored = store.PutUnlessNewer("k", "remote", 600, seconds(59));
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(*stored);
  EXPECT_EQ(store.Get("k")->value, "local");
  EXPECT_EQ(store.entry_count(), 1u);
}

TEST_F(PutUnlessNewerTest, ReplacesALocalCopyThatExpiresEarlierOrHasExpired) {
  TtlStore store(clock_, 0);
  ASSERT_TRUE(store.Put("older", "local", 10).ok());
  ASSERT_TRUE(store.Put("gone", "local", 1).ok());
  clock_.Advance(seconds(1));
  EXPECT_TRUE(*store.PutUnlessNewer("older", "remote", 600, seconds(30)));
  EXPECT_TRUE(*store.PutUnlessNewer("gone", "remote", 600, seconds(30)));
  EXPECT_EQ(store.Get("older")->value, "remote");
  EXPECT_EQ(store.Get("gone")->value, "remote");
  EXPECT_EQ(store.payload_bytes(), 12u);
}

TEST_F(PutUnlessNewerTest, RejectsALifetimeThatIsNotPositiveOrExceedsTheTtl) {
  TtlStore store(clock_, 0);
  EXPECT_EQ(store.PutUnlessNewer("k", "v", 60, Duration::zero()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store.PutUnlessNewer("k", "v", 60, seconds(-5)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store.PutUnlessNewer("k", "v", 60, seconds(61)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store.PutUnlessNewer("k", "v", 0, seconds(1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store.entry_count(), 0u);
}

TEST_F(PutUnlessNewerTest, CapacityApplies) {
  TtlStore store(clock_, 10);
  ASSERT_TRUE(*store.PutUnlessNewer("a", "12345678", 60, seconds(5)));
  Result<bool> full = store.PutUnlessNewer("b", "123", 60, seconds(5));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), StatusCode::kFull);
  EXPECT_FALSE(store.Get("b").has_value());
}

}  // namespace
}  // namespace repram
