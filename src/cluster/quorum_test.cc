#include "cluster/quorum.h"

#include <gtest/gtest.h>

#include <numeric>
#include <set>
#include <utility>

#include "cluster/testing/fake_rng.h"

namespace repram::cluster {
namespace {

TEST(QuorumTest, MatchesTheSpecTable) {
  EXPECT_EQ(QuorumSize(0, 3), 1);  // alone
  EXPECT_EQ(QuorumSize(1, 3), 2);
  EXPECT_EQ(QuorumSize(2, 3), 2);
  EXPECT_EQ(QuorumSize(10, 3), 2);
  EXPECT_EQ(QuorumSize(4, 5), 3);
  EXPECT_EQ(QuorumSize(100, 5), 3);
  EXPECT_EQ(QuorumSize(3, 5), 3);  // min(4, 5) = 4 -> 3
  EXPECT_EQ(QuorumSize(2, 5), 2);
  EXPECT_EQ(QuorumSize(50, 1), 1);  // replication 1: quorum 1 at any size
  EXPECT_EQ(QuorumSize(1, 2), 2);
}

TEST(FanoutTest, IsCeilingOfSquareRoot) {
  EXPECT_EQ(FanoutSize(10), 4u);
  EXPECT_EQ(FanoutSize(15), 4u);
  EXPECT_EQ(FanoutSize(16), 4u);
  EXPECT_EQ(FanoutSize(17), 5u);
  EXPECT_EQ(FanoutSize(25), 5u);
  EXPECT_EQ(FanoutSize(50), 8u);
  EXPECT_EQ(FanoutSize(100), 10u);
  EXPECT_EQ(FanoutSize(1), 1u);
  EXPECT_EQ(FanoutSize(0), 0u);
}

TEST(SampleIndicesTest, ReturnsDistinctIndicesInRange) {
  testing::SeededRng rng(7);
  for (int round = 0; round < 50; ++round) {
    const std::vector<size_t> picked = SampleIndices(20, 5, rng);
    ASSERT_EQ(picked.size(), 5u);
    const std::set<size_t> unique(picked.begin(), picked.end());
    EXPECT_EQ(unique.size(), 5u);
    EXPECT_LT(*unique.rbegin(), 20u);
  }
  EXPECT_EQ(SampleIndices(3, 10, rng).size(), 3u);
  EXPECT_TRUE(SampleIndices(0, 4, rng).empty());
}

TEST(SampleIndicesTest, CoversEveryIndexOverManyDraws) {
  testing::SeededRng rng(11);
  std::vector<int> hits(30, 0);
  for (int round = 0; round < 600; ++round) {
    for (size_t i : SampleIndices(30, 6, rng)) ++hits[i];
  }
  for (int h : hits) EXPECT_GT(h, 60);  // expectation 120 per index
}

TEST(SampleIndicesTest, SparseDrawEqualsTheDenseFisherYates) {
  // k much smaller than n takes the sparse path; it must draw exactly what the dense one would.
  testing::SeededRng sparse_rng(5);
  testing::SeededRng dense_rng(5);
  for (int round = 0; round < 20; ++round) {
    const size_t n = 1000 + static_cast<size_t>(round);
    const size_t k = 32;
    std::vector<size_t> pool(n);
    std::iota(pool.begin(), pool.end(), 0);
    for (size_t i = 0; i < k; ++i) std::swap(pool[i], pool[i + dense_rng.Below(n - i)]);
    pool.resize(k);
    EXPECT_EQ(SampleIndices(n, k, sparse_rng), pool);
  }
}

}  // namespace
}  // namespace repram::cluster
