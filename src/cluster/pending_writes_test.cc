#include "cluster/pending_writes.h"

#include <gtest/gtest.h>

namespace repram::cluster {
namespace {

TEST(PendingWritesTest, CompletesWhenDistinctAckersReachQuorum) {
  PendingWrites writes;
  std::optional<bool> result;
  writes.Add("m-1", [&](bool q) { result = q; });
  EXPECT_FALSE(writes.OnAck("m-1", "b", 3));
  EXPECT_FALSE(writes.OnAck("m-1", "b", 3));  // the same acker counts once
  std::optional<PendingWrites::Done> done = writes.OnAck("m-1", "c", 3);
  ASSERT_TRUE(done);
  (*done)(true);
  EXPECT_EQ(result, true);
  EXPECT_FALSE(writes.Contains("m-1"));
}

TEST(PendingWritesTest, UsesTheQuorumGivenWithEachAck) {
  PendingWrites writes;
  writes.Add("m-1", [](bool) {});
  EXPECT_FALSE(writes.OnAck("m-1", "b", 3));
  EXPECT_TRUE(writes.OnAck("m-1", "b", 2));  // membership shrank: 1 + 1 >= 2
}

TEST(PendingWritesTest, IgnoresUnknownIdsAndRemovesOnce) {
  PendingWrites writes;
  EXPECT_FALSE(writes.OnAck("nope", "b", 1));
  writes.Add("m-1", [](bool) {});
  auto expired = writes.Remove("m-1");
  ASSERT_TRUE(expired);
  EXPECT_FALSE(expired->quorum);
  EXPECT_FALSE(writes.Remove("m-1"));
  EXPECT_FALSE(writes.OnAck("m-1", "b", 2));
}

TEST(PendingWritesTest, TakeAllEmptiesTheTable) {
  PendingWrites writes;
  writes.Add("m-1", [](bool) {});
  writes.Add("m-2", [](bool) {});
  EXPECT_EQ(writes.TakeAll().size(), 2u);
  EXPECT_EQ(writes.size(), 0u);
}

TEST(PendingWritesTest, HoldsDelayCompletionUntilReleased) {
  PendingWrites writes;
  std::optional<bool> result;
  writes.Add("m-1", [&](bool q) { result = q; });
  writes.AddHold("m-1");
  writes.AddHold("m-1");
  EXPECT_FALSE(writes.OnAck("m-1", "b", 2));  // quorum reached, two holds left
  EXPECT_FALSE(writes.ReleaseHold("m-1"));
  auto done = writes.ReleaseHold("m-1");
  ASSERT_TRUE(done);
  (*done)(true);
  EXPECT_EQ(result, true);
  EXPECT_FALSE(writes.Contains("m-1"));
  EXPECT_FALSE(writes.ReleaseHold("m-1"));  // gone: nothing to release
}

TEST(PendingWritesTest, ReleasingHoldsBeforeQuorumLeavesTheWritePending) {
  PendingWrites writes;
  writes.Add("m-1", [](bool) {});
  writes.AddHold("m-1");
  EXPECT_FALSE(writes.ReleaseHold("m-1"));
  EXPECT_TRUE(writes.Contains("m-1"));
  EXPECT_TRUE(writes.OnAck("m-1", "b", 2));  // no hold left: completes at quorum
}

TEST(PendingWritesTest, ExpiryReportsWhetherQuorumWasReached) {
  PendingWrites writes;
  writes.Add("m-1", [](bool) {});
  writes.AddHold("m-1");
  EXPECT_FALSE(writes.OnAck("m-1", "b", 2));
  auto expired = writes.Remove("m-1");
  ASSERT_TRUE(expired);
  EXPECT_TRUE(expired->quorum);
}

}  // namespace
}  // namespace repram::cluster
