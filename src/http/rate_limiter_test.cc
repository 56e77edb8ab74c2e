#include "http/rate_limiter.h"

#include <gtest/gtest.h>

#include "http/middleware.h"
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

TEST(RateLimiterTest, AMillionDistinctAddressesLeaveTheMapAtItsCap) {
  FakeClock clock;
  RateLimiter limiter(clock, 20, /*max_buckets=*/1024);
  bhttp::fields f;
  for (int i = 0; i < 1'000'000; ++i) {
    const std::string forwarded = std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) +
                                  "." + std::to_string(i & 255) + ".1, 203.0.113.9";
    f.set("X-Forwarded-For", forwarded);
    limiter.Allow(ClientIp(f, "127.0.0.1", /*trust_proxy=*/true));
  }
  EXPECT_LE(limiter.size(), 1024u);
  EXPECT_GE(limiter.size(), 1u);
}

TEST(RateLimiterTest, DistinctAddressesBeyondTheCapEachGetABucket) {
  FakeClock clock;
  RateLimiter limiter(clock, 1, /*max_buckets=*/16);  // one bucket per shard
  for (int i = 0; i < 100'000; ++i) limiter.Allow("10.0." + std::to_string(i % 256) + ".1");
  EXPECT_LE(limiter.size(), 16u);
  // A client seen just now keeps its (empty) bucket while others come and go.
  ASSERT_TRUE(limiter.Allow("192.0.2.1"));
  ASSERT_TRUE(limiter.Allow("192.0.2.1"));
  EXPECT_FALSE(limiter.Allow("192.0.2.1"));
}

TEST(RateLimiterTest, RotatingAddressesInsideOneIpv6Slash64IsLimited) {
  FakeClock clock;
  RateLimiter limiter(clock, 20);  // burst 40
  int allowed = 0;
  for (int i = 0; i < 200; ++i) {
    allowed +=
        limiter.Allow("2001:db8:1:2:" + std::to_string(i % 10) + ":0:0:" + std::to_string(i + 1))
            ? 1
            : 0;
  }
  EXPECT_EQ(allowed, 40);
  EXPECT_EQ(limiter.refused(), 160u);
  EXPECT_TRUE(limiter.Allow("2001:db8:1:3::1"));  // the next /64 is another subscriber
}

TEST(RateLimitKeyTest, GroupsIpv6BySlash64AndKeepsIpv4) {
  EXPECT_EQ(RateLimitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(RateLimitKey("2001:DB8:1:2::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(RateLimitKey("::1"), "::/64");
  EXPECT_EQ(RateLimitKey("::ffff:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(RateLimitKey("10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(RateLimitKey("not:an:address"), "not:an:address");
  EXPECT_EQ(RateLimitKey(std::string(100, ':')), std::string(100, ':'));
}

}  // namespace
}  // namespace repram::http
