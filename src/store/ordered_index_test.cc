#include "store/ordered_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace repram::store {
namespace {

using std::string_literals::operator""s;

// Owns the entries an OrderedIndex points at.
class OrderedIndexTest : public ::testing::Test {
 protected:
  ~OrderedIndexTest() override {
    for (Entry* e : owned_) Entry::Destroy(e);
  }
  Entry* Make(std::string_view key, int64_t expires_ns = 0) {
    owned_.push_back(Entry::Create(key, "v", expires_ns, 1));
    return owned_.back();
  }
  static Entry* Upsert(OrderedIndex& index, Entry* e) {
    return index.Upsert(e, OrderedIndex::KeyHash(e->key()));
  }
  static Entry* Find(const OrderedIndex& index, std::string_view key) {
    return index.Find(key, OrderedIndex::KeyHash(key));
  }
  static bool Erase(OrderedIndex& index, const Entry* e) {
    return index.Erase(e, OrderedIndex::KeyHash(e->key()));
  }
  static std::vector<std::string> Keys(const OrderedIndex& index) {
    std::vector<std::string> keys;
    for (auto it = index.LowerBound(""); it.Valid(); it.Next()) {
      keys.emplace_back(it.entry()->key());
    }
    return keys;
  }

  std::vector<Entry*> owned_;
};

TEST_F(OrderedIndexTest, FindsOnlyInsertedKeys) {
  OrderedIndex index;
  Entry* a = Make("a");
  Entry* c = Make("c");
  EXPECT_EQ(Upsert(index, c), nullptr);
  EXPECT_EQ(Upsert(index, a), nullptr);
  EXPECT_EQ(Find(index, "a"), a);
  EXPECT_EQ(Find(index, "c"), c);
  EXPECT_EQ(Find(index, "b"), nullptr);
  EXPECT_EQ(Find(index, ""), nullptr);
  EXPECT_EQ(Find(index, "d"), nullptr);
  EXPECT_EQ(index.size(), 2u);
}

TEST_F(OrderedIndexTest, UpsertReturnsReplacedEntry) {
  OrderedIndex index;
  Entry* first = Make("k");
  Entry* second = Make("k");
  EXPECT_EQ(Upsert(index, first), nullptr);
  EXPECT_EQ(Upsert(index, second), first);
  EXPECT_EQ(Find(index, "k"), second);
  EXPECT_EQ(index.size(), 1u);
}

TEST_F(OrderedIndexTest, OrdersUnsignedBytewiseWithShorterPrefixFirst) {
  const std::vector<std::string> sorted = {"\0"s,  "\0\0"s,   "\0\x01"s, "A",    "a",
                                           "ab",   "abc",     "b",       "\x7f", "\x80",
                                           "\xff", "\xff\0"s, "\xff\xff"};
  std::vector<std::string> shuffled = sorted;
  std::mt19937 rng(7);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  OrderedIndex index(4);
  for (const std::string& k : shuffled) ASSERT_EQ(Upsert(index, Make(k)), nullptr);
  EXPECT_EQ(Keys(index), sorted);
  EXPECT_TRUE(index.CheckInvariants());
}

TEST_F(OrderedIndexTest, BoundsPositionAroundKeys) {
  OrderedIndex index(4);
  for (const char* k : {"b", "d", "f", "h", "j", "l"}) ASSERT_EQ(Upsert(index, Make(k)), nullptr);
  EXPECT_EQ(index.LowerBound("d").entry()->key(), "d");
  EXPECT_EQ(index.UpperBound("d").entry()->key(), "f");
  EXPECT_EQ(index.LowerBound("e").entry()->key(), "f");
  EXPECT_EQ(index.UpperBound("e").entry()->key(), "f");
  EXPECT_EQ(index.LowerBound("").entry()->key(), "b");
  EXPECT_FALSE(index.UpperBound("l").Valid());
  EXPECT_FALSE(index.LowerBound("m").Valid());
  EXPECT_FALSE(OrderedIndex().LowerBound("").Valid());
}

TEST_F(OrderedIndexTest, AscendingInsertsFillChunksCompletely) {
  OrderedIndex index(8);
  for (int i = 0; i < 64; ++i) {
    ASSERT_EQ(Upsert(index, Make("key-" + std::to_string(100 + i))), nullptr);
  }
  EXPECT_EQ(index.chunk_count(), 8u);
  EXPECT_TRUE(index.CheckInvariants());
}

TEST_F(OrderedIndexTest, DescendingInsertsFillChunksCompletely) {
  OrderedIndex index(8);
  for (int i = 63; i >= 0; --i) {
    ASSERT_EQ(Upsert(index, Make("key-" + std::to_string(100 + i))), nullptr);
  }
  EXPECT_EQ(index.chunk_count(), 8u);
  EXPECT_TRUE(index.CheckInvariants());
}

TEST_F(OrderedIndexTest, RandomInsertsKeepChunksMostlyFull) {
  OrderedIndex index(64);
  std::vector<int> ids(20'000);
  for (int i = 0; i < 20'000; ++i) ids[i] = i;
  std::shuffle(ids.begin(), ids.end(), std::mt19937(9));
  for (int id : ids) ASSERT_EQ(Upsert(index, Make("key-" + std::to_string(id))), nullptr);
  ASSERT_TRUE(index.CheckInvariants());
  // Plain half splits average ~70% full; passing slots to neighbours first keeps chunks fuller.
  const double fill = 20'000.0 / static_cast<double>(index.chunk_count() * 64);
  EXPECT_GT(fill, 0.8) << fill;
}

TEST_F(OrderedIndexTest, StaysSortedAndCompleteThroughRandomSplitsAndMerges) {
  OrderedIndex index(8);
  std::mt19937 rng(42);
  std::vector<Entry*> entries;
  for (int i = 0; i < 10'000; ++i) entries.push_back(Make("k" + std::to_string(i)));
  std::shuffle(entries.begin(), entries.end(), rng);
  std::set<std::string> expected;
  for (Entry* e : entries) {
    ASSERT_EQ(Upsert(index, e), nullptr);
    expected.emplace(e->key());
  }
  ASSERT_TRUE(index.CheckInvariants());
  EXPECT_GE(index.chunk_count(), 10'000u / 8);
  EXPECT_EQ(Keys(index), std::vector<std::string>(expected.begin(), expected.end()));

  std::shuffle(entries.begin(), entries.end(), rng);
  for (size_t i = 0; i < entries.size(); ++i) {
    ASSERT_TRUE(Erase(index, entries[i]));
    expected.erase(std::string(entries[i]->key()));
    if (i % 997 == 0) {
      ASSERT_TRUE(index.CheckInvariants());
      ASSERT_EQ(Keys(index), std::vector<std::string>(expected.begin(), expected.end()));
      // Merging keeps chunks reasonably full: at most about one chunk per quarter-capacity.
      EXPECT_LE(index.chunk_count(), index.size() / 2 + 2);
    }
  }
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.chunk_count(), 0u);
}

TEST_F(OrderedIndexTest, FindsAndBoundsKeysWithTiedEightBytePrefixes) {
  // Keys that agree in their first 8 bytes (including zero padding of short keys) are ordered
  // only by the full compare.
  std::vector<std::string> keys = {"ab",           "ab\0"s,       "ab\0\0"s,
                                   "abcdefgh",     "abcdefgh\0"s, "abcdefghi",
                                   "abcdefgg\xff", "\0"s,         "\xff\xff"};
  for (int i = 0; i < 300; ++i) keys.push_back("common-prefix/" + std::to_string(1000 + i * 7));
  std::vector<std::string> shuffled = keys;
  std::mt19937 rng(3);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  OrderedIndex index(4);
  for (const std::string& k : shuffled) ASSERT_EQ(Upsert(index, Make(k)), nullptr);
  ASSERT_TRUE(index.CheckInvariants());
  const std::set<std::string> sorted(keys.begin(), keys.end());
  EXPECT_EQ(Keys(index), std::vector<std::string>(sorted.begin(), sorted.end()));
  for (const std::string& k : keys) {
    ASSERT_NE(Find(index, k), nullptr) << k;
    EXPECT_EQ(Find(index, k)->key(), k);
  }
  for (const std::string& probe : {"ab\0\0\0"s, "abcdefgh\0\0"s, "a"s, "common-prefix/1001"s,
                                   "common-prefix/"s, "\xff"s, "\xff\xff\xff"s}) {
    EXPECT_EQ(Find(index, probe), nullptr);
    auto lower = sorted.lower_bound(probe);
    auto it = index.LowerBound(probe);
    if (lower == sorted.end()) {
      EXPECT_FALSE(it.Valid());
    } else {
      ASSERT_TRUE(it.Valid());
      EXPECT_EQ(it.entry()->key(), *lower);
    }
  }
}

TEST_F(OrderedIndexTest, EraseRejectsOtherEntryWithSameKey) {
  OrderedIndex index;
  Entry* indexed = Make("k");
  Entry* stranger = Make("k");
  ASSERT_EQ(Upsert(index, indexed), nullptr);
  EXPECT_FALSE(Erase(index, stranger));
  EXPECT_FALSE(Erase(index, Make("other")));
  EXPECT_EQ(index.size(), 1u);
}

TEST_F(OrderedIndexTest, EraseIfRemovesMatchesAndCompactsChunks) {
  OrderedIndex index(8);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(Upsert(index, Make("k" + std::to_string(1000 + i), i % 10)), nullptr);
  }
  const size_t chunks_before = index.chunk_count();
  EXPECT_EQ(index.EraseIf([](const Entry* e) { return e->expires_ns() != 0; }), 900u);
  EXPECT_EQ(index.size(), 100u);
  EXPECT_TRUE(index.CheckInvariants());
  EXPECT_LT(index.chunk_count(), chunks_before / 4);
  for (auto it = index.LowerBound(""); it.Valid(); it.Next()) {
    EXPECT_EQ(it.entry()->expires_ns(), 0);
  }
}

}  // namespace
}  // namespace repram::store
