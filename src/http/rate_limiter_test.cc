#include "http/rate_limiter.h"

#include <gtest/gtest.h>

#include "util/fake_clock.h"

namespace repram::http {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiterTest, StartsWithBurstOfTwiceTheRate) {
  FakeClock clock;
  RateLimiter limiter(clock, 5);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Allow("1.2.3.4")) << i;
  EXPECT_FALSE(limiter.Allow("1.2.3.4"));
}

TEST(RateLimiterTest, BucketsArePerIp) {
  FakeClock clock;
  RateLimiter limiter(clock, 1);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_FALSE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("b"));
}

TEST(RateLimiterTest, RefillsWholeTokensAndDropsTheFraction) {
  FakeClock clock;
  RateLimiter limiter(clock, 10);  // burst 20
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(limiter.Allow("ip"));
  ASSERT_FALSE(limiter.Allow("ip"));
  clock.Advance(milliseconds(50));  // 0.5 token: nothing added, last_refill unchanged
  EXPECT_FALSE(limiter.Allow("ip"));
  clock.Advance(milliseconds(60));  // 110 ms since last refill -> 1 token
  EXPECT_TRUE(limiter.Allow("ip"));
  EXPECT_FALSE(limiter.Allow("ip"));
  // The 10 ms remainder was dropped: 90 ms more is not yet a whole token.
  clock.Advance(milliseconds(90));
  EXPECT_FALSE(limiter.Allow("ip"));
  clock.Advance(milliseconds(10));
  EXPECT_TRUE(limiter.Allow("ip"));
}

TEST(RateLimiterTest, RefillIsCappedAtBurst) {
  FakeClock clock;
  RateLimiter limiter(clock, 2);  // burst 4
  ASSERT_TRUE(limiter.Allow("ip"));
  clock.Advance(std::chrono::hours(1));
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.Allow("ip"));
  EXPECT_FALSE(limiter.Allow("ip"));
}

TEST(RateLimiterTest, RateZeroRefusesEverything) {
  FakeClock clock;
  RateLimiter limiter(clock, 0);
  EXPECT_FALSE(limiter.Allow("ip"));
  clock.Advance(std::chrono::seconds(10));
  EXPECT_FALSE(limiter.Allow("ip"));
}

TEST(RateLimiterTest, DropsBucketsIdleForTenMinutes) {
  FakeClock clock;
  RateLimiter limiter(clock, 1);
  ASSERT_TRUE(limiter.Allow("old"));
  clock.Advance(std::chrono::minutes(9));
  ASSERT_TRUE(limiter.Allow("new"));
  clock.Advance(std::chrono::minutes(2));
  EXPECT_EQ(limiter.DropIdle(), 1u);  // "old" refilled 11 min ago, "new" 2 min ago
}

}  // namespace
}  // namespace repram::http
