#include "store/ttl_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "util/fake_clock.h"
#include "util/limits.h"

namespace repram {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using std::string_literals::operator""s;

class TtlStoreTest : public ::testing::Test {
 protected:
  // Stores key -> value for ttl seconds and returns the status code.
  static StatusCode Put(TtlStore& store, std::string_view key, std::string_view value,
                        int64_t ttl = 60) {
    return store.Put(key, value, ttl).code();
  }
  static std::vector<std::string> ListAll(const TtlStore& store, std::string_view prefix = "") {
    return store.List(prefix, "", 0).keys;
  }

  FakeClock clock_;
};

TEST_F(TtlStoreTest, GetReturnsStoredValueAndMetadata) {
  TtlStore store(clock_, 0);
  const WallTime wall_at_put = clock_.WallNow();
  const MonoTime mono_at_put = clock_.Now();
  ASSERT_EQ(Put(store, "k", "hello", 300), StatusCode::kOk);
  clock_.Advance(seconds(10));
  auto got = store.Get("k");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->value, "hello");
  EXPECT_EQ(got->ttl_seconds, 300);
  EXPECT_EQ(got->expires_at, mono_at_put + seconds(300));
  EXPECT_EQ(got->created_at, std::chrono::floor<milliseconds>(wall_at_put));
  EXPECT_FALSE(store.Get("missing").has_value());
}

TEST_F(TtlStoreTest, CreatedAtHasMillisecondPrecision) {
  clock_.Advance(nanoseconds(1'234'567));
  TtlStore store(clock_, 0);
  clock_.Advance(nanoseconds(2'999'999));
  const WallTime wall_at_put = clock_.WallNow();
  ASSERT_EQ(Put(store, "k", "v"), StatusCode::kOk);
  auto meta = store.GetMeta("k");
  ASSERT_TRUE(meta.has_value());
  EXPECT_EQ(meta->created_at, std::chrono::floor<milliseconds>(wall_at_put));
  EXPECT_NE(meta->created_at, wall_at_put);
}

TEST_F(TtlStoreTest, GetMetaReturnsMetadataWithoutValue) {
  TtlStore store(clock_, 0);
  ASSERT_EQ(Put(store, "k", "payload", 42), StatusCode::kOk);
  auto meta = store.GetMeta("k");
  ASSERT_TRUE(meta.has_value());
  EXPECT_TRUE(meta->value.empty());
  EXPECT_EQ(meta->ttl_seconds, 42);
  EXPECT_EQ(meta->expires_at, clock_.Now() + seconds(42));
  EXPECT_FALSE(store.GetMeta("missing").has_value());
}

TEST_F(TtlStoreTest, EntryExpiresExactlyAtExpiresAt) {
  TtlStore store(clock_, 0);
  ASSERT_EQ(Put(store, "k", "v", 5), StatusCode::kOk);
  clock_.Advance(seconds(5) - nanoseconds(1));
  EXPECT_TRUE(store.Get("k").has_value());
  EXPECT_TRUE(store.GetMeta("k").has_value());
  EXPECT_EQ(ListAll(store), std::vector<std::string>{"k"});
  clock_.Advance(nanoseconds(1));
  EXPECT_FALSE(store.Get("k").has_value());
  EXPECT_FALSE(store.GetMeta("k").has_value());
  EXPECT_TRUE(ListAll(store).empty());
}

TEST_F(TtlStoreTest, ReadsOfExpiredEntriesDoNotMutate) {
  TtlStore store(clock_, 0);
  ASSERT_EQ(Put(store, "k", "12345", 1), StatusCode::kOk);
  clock_.Advance(seconds(2));
  EXPECT_FALSE(store.Get("k").has_value());
  EXPECT_FALSE(store.GetMeta("k").has_value());
  EXPECT_TRUE(ListAll(store).empty());
  EXPECT_EQ(store.entry_count(), 1u);
  EXPECT_EQ(store.payload_bytes(), 5u);
  EXPECT_EQ(store.ReclaimExpired(), 1u);
  EXPECT_EQ(store.entry_count(), 0u);
  EXPECT_EQ(store.payload_bytes(), 0u);
}

TEST_F(TtlStoreTest, ReclaimFreesOnlyExpiredEntries) {
  TtlStore store(clock_, 0);
  ASSERT_EQ(Put(store, "short1", "aa", 1), StatusCode::kOk);
  ASSERT_EQ(Put(store, "short2", "bbb", 2), StatusCode::kOk);
  ASSERT_EQ(Put(store, "long", "cccc", 100), StatusCode::kOk);
  const uint64_t overhead_all = store.overhead_bytes();
  EXPECT_EQ(store.ReclaimExpired(), 0u);
  clock_.Advance(seconds(2));
  EXPECT_EQ(store.ReclaimExpired(), 2u);
  EXPECT_EQ(store.entry_count(), 1u);
  EXPECT_EQ(store.payload_bytes(), 4u);
  EXPECT_LT(store.overhead_bytes(), overhead_all);
  EXPECT_EQ(store.Get("long")->value, "cccc");
  EXPECT_EQ(store.ReclaimExpired(), 0u);
}

TEST_F(TtlStoreTest, OverwriteResetsValueTtlAndTimestamps) {
  TtlStore store(clock_, 0);
  ASSERT_EQ(Put(store, "k", "old-value", 10), StatusCode::kOk);
  clock_.Advance(seconds(8));
  const WallTime wall = clock_.WallNow();
  ASSERT_EQ(Put(store, "k", "new", 5), StatusCode::kOk);
  auto got = store.Get("k");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->value, "new");
  EXPECT_EQ(got->ttl_seconds, 5);
  EXPECT_EQ(got->created_at, std::chrono::floor<milliseconds>(wall));
  EXPECT_EQ(got->expires_at, clock_.Now() + seconds(5));
  EXPECT_EQ(store.entry_count(), 1u);
  EXPECT_EQ(store.payload_bytes(), 3u);
  clock_.Advance(seconds(3));  // past the first expiry: the overwrite must not inherit it
  EXPECT_EQ(store.ReclaimExpired(), 0u);
  EXPECT_TRUE(store.Get("k").has_value());
  clock_.Advance(seconds(2));
  EXPECT_EQ(store.ReclaimExpired(), 1u);
  EXPECT_EQ(store.entry_count(), 0u);
}

TEST_F(TtlStoreTest, CountsEntriesBytesAndOverhead) {
  TtlStore store(clock_, 0);
  EXPECT_EQ(store.overhead_bytes(), 0u);
  ASSERT_EQ(Put(store, "a", "12345"), StatusCode::kOk);
  ASSERT_EQ(Put(store, "bb", ""), StatusCode::kOk);
  ASSERT_EQ(Put(store, "ccc", "1234567890"), StatusCode::kOk);
  EXPECT_EQ(store.entry_count(), 3u);
  EXPECT_EQ(store.payload_bytes(), 15u);
  // Keys and the 34-byte entry headers are at least counted.
  EXPECT_GE(store.overhead_bytes(), 3u * 34 + 6);
  EXPECT_EQ(store.capacity_bytes(), 0u);
}

TEST_F(TtlStoreTest, OverwriteAtCapacityCountsOnlyTheNewSize) {
  TtlStore store(clock_, 100);
  ASSERT_EQ(Put(store, "k", std::string(60, 'a')), StatusCode::kOk);
  ASSERT_EQ(Put(store, "k", std::string(80, 'b')), StatusCode::kOk);
  EXPECT_EQ(store.payload_bytes(), 80u);
  ASSERT_EQ(Put(store, "k", std::string(100, 'c')), StatusCode::kOk);
  EXPECT_EQ(store.payload_bytes(), 100u);
  EXPECT_EQ(store.capacity_bytes(), 100u);
}

TEST_F(TtlStoreTest, FullStoreRejectsAndKeepsOldValue) {
  TtlStore store(clock_, 100);
  ASSERT_EQ(Put(store, "a", std::string(60, 'a')), StatusCode::kOk);
  ASSERT_EQ(Put(store, "b", std::string(30, 'b')), StatusCode::kOk);
  EXPECT_EQ(Put(store, "c", std::string(11, 'c')), StatusCode::kFull);
  EXPECT_FALSE(store.Get("c").has_value());
  EXPECT_EQ(Put(store, "b", std::string(41, 'x')), StatusCode::kFull);
  EXPECT_EQ(store.Get("b")->value, std::string(30, 'b'));
  EXPECT_EQ(store.entry_count(), 2u);
  EXPECT_EQ(store.payload_bytes(), 90u);
  EXPECT_EQ(Put(store, "c", std::string(10, 'c')), StatusCode::kOk);
  EXPECT_EQ(Put(store, "huge", std::string(101, 'h')), StatusCode::kFull);
}

TEST_F(TtlStoreTest, ExpiredEntriesDoNotCountAgainstCapacityBeforeReclaim) {
  TtlStore store(clock_, 100);
  ASSERT_EQ(Put(store, "old", std::string(80, 'o'), 1), StatusCode::kOk);
  ASSERT_EQ(Put(store, "again", std::string(80, 'a'), 1), StatusCode::kFull);
  clock_.Advance(seconds(1));
  EXPECT_EQ(Put(store, "new", std::string(80, 'n')), StatusCode::kOk);
  EXPECT_EQ(store.payload_bytes(), 80u);
  EXPECT_EQ(store.entry_count(), 1u);
}

TEST_F(TtlStoreTest, OverwriteOfExpiredKeyAtCapacitySucceeds) {
  TtlStore store(clock_, 100);
  ASSERT_EQ(Put(store, "k", std::string(70, 'o'), 1), StatusCode::kOk);
  ASSERT_EQ(Put(store, "j", std::string(30, 'j'), 100), StatusCode::kOk);
  clock_.Advance(seconds(1));
  ASSERT_EQ(Put(store, "k", std::string(70, 'n'), 10), StatusCode::kOk);
  EXPECT_EQ(store.Get("k")->value, std::string(70, 'n'));
  EXPECT_EQ(store.payload_bytes(), 100u);
}

TEST_F(TtlStoreTest, RejectsInvalidArguments) {
  TtlStore store(clock_, 0);
  EXPECT_EQ(Put(store, "", "v"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Put(store, std::string(8193, 'k'), "v"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Put(store, "k", "v", 0), StatusCode::kInvalidArgument);
  EXPECT_EQ(Put(store, "k", "v", -1), StatusCode::kInvalidArgument);
  EXPECT_EQ(Put(store, "k", "v", kMaxTtlSeconds + 1), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.entry_count(), 0u);
  EXPECT_EQ(Put(store, std::string(8192, 'k'), "v"), StatusCode::kOk);
  EXPECT_EQ(Put(store, "k", "v", kMaxTtlSeconds), StatusCode::kOk);
  EXPECT_EQ(store.GetMeta("k")->ttl_seconds, kMaxTtlSeconds);
}

TEST_F(TtlStoreTest, BinaryKeysAndValuesRoundTrip) {
  TtlStore store(clock_, 0);
  const std::string key = "\0k\0\xff"s;
  const std::string value = "\0\x01\0\xfe\xff"s;
  ASSERT_EQ(Put(store, key, value), StatusCode::kOk);
  ASSERT_EQ(Put(store, "\0"s, ""), StatusCode::kOk);
  EXPECT_EQ(store.Get(key)->value, value);
  EXPECT_EQ(store.Get("\0"s)->value, "");
  EXPECT_FALSE(store.Get("\0k"s).has_value());
  EXPECT_EQ(ListAll(store), (std::vector<std::string>{"\0"s, key}));
}

TEST_F(TtlStoreTest, CopiesInAndOut) {
  TtlStore store(clock_, 0);
  std::string key = "key";
  std::string value = "value";
  ASSERT_EQ(Put(store, key, value), StatusCode::kOk);
  key[0] = 'X';
  value[0] = 'X';
  auto got = store.Get("key");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->value, "value");
  got->value[0] = 'Y';
  EXPECT_EQ(store.Get("key")->value, "value");
}

TEST_F(TtlStoreTest, ListsByteOrderIncludingExtremeBytesAndPrefixes) {
  TtlStore store(clock_, 0);
  const std::vector<std::string> sorted = {"\0"s, "\0\0"s, "\x01", "a",    "a\0"s,    "ab",
                                           "b",   "\x7f",  "\x80", "\xff", "\xff\xff"};
  for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) {
    ASSERT_EQ(Put(store, *it, "v"), StatusCode::kOk);
  }
  EXPECT_EQ(ListAll(store), sorted);
  EXPECT_EQ(ListAll(store, "a"), (std::vector<std::string>{"a", "a\0"s, "ab"}));
  EXPECT_EQ(ListAll(store, "\xff"), (std::vector<std::string>{"\xff", "\xff\xff"}));
  EXPECT_EQ(ListAll(store, "\0"s), (std::vector<std::string>{"\0"s, "\0\0"s}));
  EXPECT_TRUE(ListAll(store, "c").empty());
}

TEST_F(TtlStoreTest, PaginatesWithExclusiveCursorAndLimit) {
  TtlStore store(clock_, 0);
  for (const char* k : {"app:1", "app:2", "app:3", "app:4", "app:5", "b", "apa"}) {
    ASSERT_EQ(Put(store, k, "v"), StatusCode::kOk);
  }
  KeyPage first = store.List("app:", "", 2);
  EXPECT_EQ(first.keys, (std::vector<std::string>{"app:1", "app:2"}));
  ASSERT_EQ(first.next_cursor, "app:2");
  KeyPage second = store.List("app:", *first.next_cursor, 2);
  EXPECT_EQ(second.keys, (std::vector<std::string>{"app:3", "app:4"}));
  ASSERT_EQ(second.next_cursor, "app:4");
  KeyPage last = store.List("app:", *second.next_cursor, 2);
  EXPECT_EQ(last.keys, (std::vector<std::string>{"app:5"}));
  EXPECT_FALSE(last.next_cursor.has_value());
}

TEST_F(TtlStoreTest, FinalPageOfExactlyLimitHasNoCursor) {
  TtlStore store(clock_, 0);
  for (const char* k : {"a", "b", "c", "d"}) ASSERT_EQ(Put(store, k, "v"), StatusCode::kOk);
  KeyPage page = store.List("", "b", 2);
  EXPECT_EQ(page.keys, (std::vector<std::string>{"c", "d"}));
  EXPECT_FALSE(page.next_cursor.has_value());
  KeyPage all = store.List("", "", 4);
  EXPECT_EQ(all.keys.size(), 4u);
  EXPECT_FALSE(all.next_cursor.has_value());
}

TEST_F(TtlStoreTest, CursorNeedNotExistAndNonPositiveLimitMeansAll) {
  TtlStore store(clock_, 0);
  for (const char* k : {"a", "c", "e", "g"}) ASSERT_EQ(Put(store, k, "v"), StatusCode::kOk);
  EXPECT_EQ(store.List("", "d", 0).keys, (std::vector<std::string>{"e", "g"}));
  EXPECT_EQ(store.List("", "", -5).keys.size(), 4u);
  EXPECT_FALSE(store.List("", "", -5).next_cursor.has_value());
  EXPECT_TRUE(store.List("", "g", 0).keys.empty());
  EXPECT_TRUE(store.List("", "z", 1).keys.empty());
  // A cursor before the prefix range starts the prefix range; one after it ends it.
  EXPECT_EQ(store.List("e", "b", 0).keys, (std::vector<std::string>{"e"}));
  EXPECT_TRUE(store.List("c", "d", 0).keys.empty());
  EXPECT_EQ(store.List("", "\0"s, 1).keys, (std::vector<std::string>{"a"}));
}

TEST_F(TtlStoreTest, ListNeverReturnsExpiredKeys) {
  TtlStore store(clock_, 0);
  ASSERT_EQ(Put(store, "a", "v", 100), StatusCode::kOk);
  ASSERT_EQ(Put(store, "b", "v", 1), StatusCode::kOk);
  ASSERT_EQ(Put(store, "c", "v", 1), StatusCode::kOk);
  ASSERT_EQ(Put(store, "d", "v", 100), StatusCode::kOk);
  clock_.Advance(seconds(1));
  KeyPage page = store.List("", "", 2);
  EXPECT_EQ(page.keys, (std::vector<std::string>{"a", "d"}));
  EXPECT_FALSE(page.next_cursor.has_value());
  EXPECT_EQ(store.List("", "a", 1).keys, (std::vector<std::string>{"d"}));
}

TEST_F(TtlStoreTest, ListingStaysSortedAndCompleteWhileKeysExpireInRandomOrder) {
  TtlStore store(clock_, 0);
  std::mt19937 rng(2026);
  std::vector<int> ids(10'000);
  for (int i = 0; i < 10'000; ++i) ids[i] = i;
  std::shuffle(ids.begin(), ids.end(), rng);
  std::uniform_int_distribution<int64_t> ttl(1, 50);
  std::vector<std::set<std::string>> by_expiry(51);
  for (int id : ids) {
    const std::string key = "key:" + std::to_string(id);
    const int64_t t = ttl(rng);
    ASSERT_EQ(Put(store, key, "v", t), StatusCode::kOk);
    by_expiry[t].insert(key);
  }
  std::set<std::string> live;
  for (const auto& keys : by_expiry) live.insert(keys.begin(), keys.end());
  ASSERT_EQ(ListAll(store), std::vector<std::string>(live.begin(), live.end()));
  for (int t = 1; t <= 50; ++t) {
    clock_.Advance(seconds(1));
    EXPECT_EQ(store.ReclaimExpired(), by_expiry[t].size());
    for (const std::string& k : by_expiry[t]) live.erase(k);
    ASSERT_EQ(ListAll(store), std::vector<std::string>(live.begin(), live.end())) << t;
    ASSERT_EQ(store.entry_count(), live.size());
    // Paging through in pages of 97 yields the same keys.
    std::vector<std::string> paged;
    std::string cursor;
    for (;;) {
      KeyPage page = store.List("", cursor, 97);
      paged.insert(paged.end(), page.keys.begin(), page.keys.end());
      if (!page.next_cursor) break;
      cursor = *page.next_cursor;
    }
    ASSERT_EQ(paged, std::vector<std::string>(live.begin(), live.end()));
  }
  EXPECT_EQ(store.payload_bytes(), 0u);
}

TEST_F(TtlStoreTest, ReclaimFreesMostOfTheOverheadOfExpiredEntries) {
  TtlStore store(clock_, 0);
  for (int i = 0; i < 20'000; ++i) {
    ASSERT_EQ(Put(store, "k" + std::to_string(i), "value", i % 4 == 0 ? 1000 : 1), StatusCode::kOk);
  }
  const uint64_t overhead_before = store.overhead_bytes();
  clock_.Advance(seconds(1));
  EXPECT_EQ(store.ReclaimExpired(), 15'000u);
  EXPECT_EQ(store.entry_count(), 5'000u);
  EXPECT_LT(store.overhead_bytes(), overhead_before / 3);
}

}  // namespace
}  // namespace repram
