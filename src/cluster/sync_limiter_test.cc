#include "cluster/sync_limiter.h"

#include <gtest/gtest.h>

#include "util/fake_clock.h"

namespace repram::cluster {
namespace {

TEST(SyncLimiterTest, AllowsOneAnswerPerSenderPerInterval) {
  FakeClock clock;
  SyncLimiter limiter(std::chrono::seconds(30));
  EXPECT_TRUE(limiter.Allow("a", clock.Now()));
  EXPECT_FALSE(limiter.Allow("a", clock.Now()));
  EXPECT_TRUE(limiter.Allow("b", clock.Now()));
  clock.Advance(std::chrono::seconds(29));
  EXPECT_FALSE(limiter.Allow("a", clock.Now()));
  clock.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(limiter.Allow("a", clock.Now()));
}

TEST(SyncLimiterTest, ForgetAllowsAnImmediateAnswer) {
  FakeClock clock;
  SyncLimiter limiter(std::chrono::seconds(30));
  EXPECT_TRUE(limiter.Allow("a", clock.Now()));
  limiter.Forget("a");
  EXPECT_TRUE(limiter.Allow("a", clock.Now()));
}

}  // namespace
}  // namespace repram::cluster
