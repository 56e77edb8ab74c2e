#include "store/expiry_index.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace repram::store {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kStart = 1'000 * kSecond;

class ExpiryIndexTest : public ::testing::Test {
 protected:
  ~ExpiryIndexTest() override {
    taken_.clear();
    for (Entry* e : owned_) Entry::Destroy(e);
  }
  Entry* Add(int64_t expires_ns, int64_t now_ns = kStart) {
    owned_.push_back(Entry::Create("k" + std::to_string(owned_.size()), "", expires_ns, 1));
    index_.Add(owned_.back(), now_ns);
    return owned_.back();
  }
  // Returns the number of entries taken at now_ns; they stay in taken_ until the fixture ends.
  size_t Take(int64_t now_ns) {
    EntryList batch;
    index_.TakeExpired(now_ns, batch);
    size_t n = 0;
    for (const Entry& e : batch) {
      EXPECT_TRUE(e.ExpiredAt(now_ns));
      ++n;
    }
    taken_.splice(taken_.end(), batch);
    return n;
  }

  ExpiryIndex index_;
  std::vector<Entry*> owned_;  // destroyed at the end; Destroy unlinks them from any list
  EntryList taken_;            // only links; the entries are in owned_
};

TEST_F(ExpiryIndexTest, TakesEntryExactlyAtItsExpiry) {
  Add(kStart + 5 * kSecond + 123);
  EXPECT_EQ(Take(kStart + 5 * kSecond + 122), 0u);
  EXPECT_EQ(Take(kStart + 5 * kSecond + 123), 1u);
  EXPECT_EQ(Take(kStart + 10 * kSecond), 0u);
}

TEST_F(ExpiryIndexTest, TakesOnlyExpiredEntriesOfThePartlyExpiredBucket) {
  Add(kStart + kSecond + 10);
  Add(kStart + kSecond + 20);
  Add(kStart + kSecond + 30);
  EXPECT_EQ(Take(kStart + kSecond + 20), 2u);
  EXPECT_EQ(Take(kStart + kSecond + 29), 0u);
  EXPECT_EQ(Take(kStart + kSecond + 30), 1u);
}

TEST_F(ExpiryIndexTest, CascadesFarExpiriesDownToExactTime) {
  const int64_t day = 86'400 * kSecond;
  const int64_t year = 365 * day;
  Add(kStart + day + 7);
  Add(kStart + 40 * day + 3);
  Add(kStart + 30 * year + 11);
  for (int64_t t = kStart; t < kStart + day + 7; t += 3'600 * kSecond) ASSERT_EQ(Take(t), 0u);
  EXPECT_EQ(Take(kStart + day + 6), 0u);
  EXPECT_EQ(Take(kStart + day + 7), 1u);
  EXPECT_EQ(Take(kStart + 40 * day + 2), 0u);
  EXPECT_EQ(Take(kStart + 40 * day + 3), 1u);
  EXPECT_EQ(Take(kStart + 30 * year + 10), 0u);
  EXPECT_EQ(Take(kStart + 30 * year + 11), 1u);
}

TEST_F(ExpiryIndexTest, TakesEverythingAfterALongPause) {
  for (int64_t ttl : {1, 63, 64, 65, 4'000, 20'000, 5'000'000}) Add(kStart + ttl * kSecond);
  EXPECT_EQ(Take(kStart + 6'000'000 * kSecond), 7u);
}

TEST_F(ExpiryIndexTest, UnlinkedEntryIsNotTaken) {
  Entry* gone = Add(kStart + kSecond);
  Add(kStart + kSecond);
  gone->hook.unlink();
  EXPECT_EQ(Take(kStart + 2 * kSecond), 1u);
}

TEST_F(ExpiryIndexTest, BucketCountStaysBoundedForSpreadExpiries) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int64_t> ttl(1, 30LL * 86'400 * kSecond);
  for (int i = 0; i < 100'000; ++i) Add(kStart + ttl(rng));
  // Without the coarse levels this would be ~100,000 buckets of 250 ms.
  EXPECT_LE(index_.bucket_count(), ExpiryIndex::kLevels * 260u);
  EXPECT_EQ(Take(kStart + 31LL * 86'400 * kSecond), 100'000u);
  EXPECT_EQ(index_.bucket_count(), 0u);
}

}  // namespace
}  // namespace repram::store
