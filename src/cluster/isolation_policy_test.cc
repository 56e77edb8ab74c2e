#include "cluster/isolation_policy.h"

#include <gtest/gtest.h>

#include "cluster/testing/fake_rng.h"

namespace repram::cluster {
namespace {

using std::chrono::seconds;

TEST(IsolationPolicyTest, DoublesAfterEachFailureUpToTheCap) {
  testing::FixedRng zero_jitter(0.5);
  IsolationPolicy policy(seconds(30), seconds(120));
  EXPECT_EQ(policy.OnCheck(CheckOutcome::kFailed, zero_jitter), seconds(30));
  EXPECT_EQ(policy.OnCheck(CheckOutcome::kFailed, zero_jitter), seconds(60));
  EXPECT_EQ(policy.OnCheck(CheckOutcome::kFailed, zero_jitter), seconds(120));
  EXPECT_EQ(policy.OnCheck(CheckOutcome::kFailed, zero_jitter), seconds(120));
  for (int i = 0; i < 100; ++i) policy.OnCheck(CheckOutcome::kFailed, zero_jitter);
  EXPECT_EQ(policy.OnCheck(CheckOutcome::kFailed, zero_jitter), seconds(120));
}

TEST(IsolationPolicyTest, SuccessAndNotIsolatedResetToThePlainInterval) {
  testing::FixedRng rng(0.0);  // would be -20 % if jitter applied
  IsolationPolicy policy(seconds(30), seconds(120));
  policy.OnCheck(CheckOutcome::kFailed, rng);
  policy.OnCheck(CheckOutcome::kFailed, rng);
  EXPECT_EQ(policy.OnCheck(CheckOutcome::kSucceeded, rng), seconds(30));
  EXPECT_EQ(policy.consecutive_failures(), 0);
  policy.OnCheck(CheckOutcome::kFailed, rng);
  EXPECT_EQ(policy.OnCheck(CheckOutcome::kNotIsolated, rng), seconds(30));
}

TEST(IsolationPolicyTest, SkippedChecksKeepTheBackoff) {
  testing::FixedRng zero_jitter(0.5);
  IsolationPolicy policy(seconds(30), seconds(120));
  EXPECT_EQ(policy.OnCheck(CheckOutcome::kSkipped, zero_jitter), seconds(30));
  policy.OnCheck(CheckOutcome::kFailed, zero_jitter);
  policy.OnCheck(CheckOutcome::kFailed, zero_jitter);
  EXPECT_EQ(policy.OnCheck(CheckOutcome::kSkipped, zero_jitter), seconds(60));
  EXPECT_EQ(policy.consecutive_failures(), 2);
}

TEST(IsolationPolicyTest, JitterStaysWithinTwentyPercent) {
  IsolationPolicy low_policy(seconds(30), seconds(120));
  testing::FixedRng low(0.0);
  const Duration lowest = low_policy.OnCheck(CheckOutcome::kFailed, low);
  EXPECT_NEAR(std::chrono::duration<double>(lowest).count(), 24.0, 1e-6);
  IsolationPolicy high_policy(seconds(30), seconds(120));
  testing::FixedRng high(0.999999);
  const Duration d = high_policy.OnCheck(CheckOutcome::kFailed, high);
  EXPECT_GT(d, seconds(35));
  EXPECT_LE(d, seconds(36));
  testing::SeededRng random(3);
  IsolationPolicy policy(seconds(30), seconds(120));
  for (int i = 0; i < 200; ++i) {
    const Duration next = policy.OnCheck(CheckOutcome::kFailed, random);
    const Duration base = i == 0 ? seconds(30) : i == 1 ? seconds(60) : seconds(120);
    EXPECT_GE(next, base * 8 / 10) << i;
    EXPECT_LE(next, base * 12 / 10) << i;
  }
}

}  // namespace
}  // namespace repram::cluster
