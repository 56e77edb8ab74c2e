#include "trust/refresh_policy.h"

#include <gtest/gtest.h>

#include <cmath>

namespace repram::trust {
namespace {

using std::chrono::duration;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

double Seconds(Duration d) { return duration<double>(d).count(); }

TEST(RefreshPolicyTest, DelayBounds) {
  const int64_t now = 1'000'000;
  const int64_t remaining = 86'400;
  EXPECT_NEAR(Seconds(SuccessDelay(now + remaining, now, 0.0)), 0.81 * remaining, 1e-6);
  const double almost_one = std::nextafter(1.0, 0.0);
  const double upper = Seconds(SuccessDelay(now + remaining, now, almost_one));
  EXPECT_LT(upper, 0.99 * remaining);
  EXPECT_GT(upper, 0.9899 * remaining);
  EXPECT_NEAR(Seconds(SuccessDelay(now + remaining, now, 0.5)), 0.9 * remaining, 1e-6);
  EXPECT_EQ(SuccessDelay(now - 5, now, 0.5), Duration::zero());
  EXPECT_EQ(SuccessDelay(now, now, 0.5), Duration::zero());
}

TEST(RefreshPolicyTest, DayLongListRefreshesBetween19h26mAnd23h46m) {
  EXPECT_EQ(SuccessDelay(86'400, 0, 0.0), hours(19) + minutes(26) + seconds(24));
  EXPECT_LT(SuccessDelay(86'400, 0, std::nextafter(1.0, 0.0)),
            hours(23) + minutes(45) + seconds(36));
}

TEST(RefreshPolicyTest, DelayIsAtLeastOneSecond) {
  EXPECT_EQ(SuccessDelay(101, 100, 0.0), seconds(1));
}

TEST(RefreshPolicyTest, BackoffSequence) {
  RefreshPolicy policy(1000);
  std::vector<int64_t> delays;
  for (int i = 0; i < 8; ++i) {
    policy.OnAttemptStart(MonoTime{});
    delays.push_back(std::chrono::duration_cast<seconds>(policy.OnFailure()).count());
  }
  EXPECT_EQ(delays, (std::vector<int64_t>{30, 60, 120, 240, 480, 600, 600, 600}));
}

TEST(RefreshPolicyTest, SuccessResetsBackoff) {
  RefreshPolicy policy(1000);
  (void)policy.OnFailure();
  (void)policy.OnFailure();
  EXPECT_TRUE(policy.OnFetched(2000, 0, 0.5).accepted);
  EXPECT_EQ(policy.OnFailure(), seconds(30));
}

TEST(RefreshPolicyTest, AntiRollback) {
  RefreshPolicy policy(2000);
  policy.OnAttemptStart(MonoTime{});
  const RefreshPolicy::Outcome outcome = policy.OnFetched(1999, 0, 0.5);
  EXPECT_FALSE(outcome.accepted);
  EXPECT_EQ(outcome.next_delay, seconds(30));
  EXPECT_EQ(policy.current_exp(), 2000);
  EXPECT_FALSE(policy.attempt_running());
  EXPECT_EQ(policy.OnFailure(), seconds(60));  // the refusal counted as a failure
}

TEST(RefreshPolicyTest, SameExpAccepted) {
  RefreshPolicy policy(2000);
  const RefreshPolicy::Outcome outcome = policy.OnFetched(2000, 1000, 0.0);
  EXPECT_TRUE(outcome.accepted);
  EXPECT_NEAR(Seconds(outcome.next_delay), 0.81 * 1000, 1e-6);
}

TEST(RefreshPolicyTest, NewerListReplacesCurrentExp) {
  RefreshPolicy policy(2000);
  EXPECT_TRUE(policy.OnFetched(3000, 1000, 0.0).accepted);
  EXPECT_EQ(policy.current_exp(), 3000);
}

TEST(RefreshPolicyTest, ExpiredNoticeOncePerList) {
  RefreshPolicy policy(2000);
  EXPECT_FALSE(policy.TakeExpiredNotice(1999));
  EXPECT_TRUE(policy.TakeExpiredNotice(2000));
  EXPECT_FALSE(policy.TakeExpiredNotice(2500));
  EXPECT_TRUE(policy.OnFetched(3000, 2600, 0.5).accepted);
  EXPECT_FALSE(policy.TakeExpiredNotice(2999));
  EXPECT_TRUE(policy.TakeExpiredNotice(3000));
}

TEST(RefreshPolicyTest, OnDemandRunsNowWithoutRecentAttempt) {
  const RefreshPolicy policy(2000);
  EXPECT_EQ(policy.OnDemand(MonoTime{} + hours(1), std::nullopt), Duration::zero());
  EXPECT_EQ(policy.OnDemand(MonoTime{} + hours(1), MonoTime{} + hours(2)), Duration::zero());
}

TEST(RefreshPolicyTest, OnDemandDoesNothingWhileAnAttemptRuns) {
  RefreshPolicy policy(2000);
  policy.OnAttemptStart(MonoTime{});
  EXPECT_EQ(policy.OnDemand(MonoTime{} + minutes(5), std::nullopt), std::nullopt);
}

TEST(RefreshPolicyTest, OnDemandWaitsForTheSpacingAfterTheLastAttemptStart) {
  RefreshPolicy policy(2000);
  const MonoTime start = MonoTime{} + hours(1);
  policy.OnAttemptStart(start);
  (void)policy.OnFailure();
  EXPECT_EQ(policy.OnDemand(start + seconds(10), std::nullopt), seconds(20));
  EXPECT_EQ(policy.OnDemand(start + seconds(30), std::nullopt), Duration::zero());
}

TEST(RefreshPolicyTest, OnDemandKeepsAnEarlierOrEqualScheduledAttempt) {
  RefreshPolicy policy(2000);
  const MonoTime start = MonoTime{} + hours(1);
  policy.OnAttemptStart(start);
  (void)policy.OnFailure();
  EXPECT_EQ(policy.OnDemand(start + seconds(10), start + seconds(30)), std::nullopt);
  EXPECT_EQ(policy.OnDemand(start + seconds(10), start + seconds(25)), std::nullopt);
  EXPECT_EQ(policy.OnDemand(start + seconds(10), start + seconds(31)), seconds(20));
}

}  // namespace
}  // namespace repram::trust
