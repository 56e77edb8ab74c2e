#include "cluster/isolation_recovery.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "cluster/testing/fake_rng.h"
#include "cluster/testing/list_seed_provider.h"
#include "util/fake_clock.h"
#include "util/fake_scheduler.h"

namespace repram::cluster {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Drives IsolationRecovery with a fake peer count and a scripted re-bootstrap.
class IsolationRecoveryTest : public ::testing::Test {
 protected:
  std::unique_ptr<IsolationRecovery> Make(size_t threshold = 0, bool with_provider = true,
                                          bool public_mode = false) {
    return std::make_unique<IsolationRecovery>(
        IsolationRecovery::Options{
            .interval = seconds(30), .max_backoff = seconds(120), .threshold = threshold},
        scheduler_, rng_, metrics_, with_provider ? &provider_ : nullptr, [this] { return peers_; },
        [this](std::vector<std::string> seeds, std::function<void()> done) {
          bootstrapped_with_.push_back(seeds);
          if (rebootstrap_throws_) throw std::runtime_error("boom");
          peers_ = peers_after_attempt_;
          if (hold_) {
            held_ = std::move(done);
          } else {
            done();
          }
        },
        public_mode ? std::function<void()>([this] { ++refreshes_; }) : nullptr);
  }

  // Runs one check and returns its result (nullopt while it is still running).
  std::optional<bool> CheckNow(IsolationRecovery& recovery) {
    std::optional<bool> result;
    recovery.Check([&](bool r) { result = r; });
    return result;
  }

  FakeClock clock_;
  FakeScheduler scheduler_{clock_};
  testing::FixedRng rng_{0.5};  // zero jitter
  ClusterMetrics metrics_;
  testing::ListSeedProvider provider_{{"10.0.0.1:8080", "10.0.0.2:8080"}};
  size_t peers_ = 0;
  size_t peers_after_attempt_ = 0;
  bool rebootstrap_throws_ = false;
  bool hold_ = false;
  std::function<void()> held_;
  int refreshes_ = 0;
  std::vector<std::vector<std::string>> bootstrapped_with_;
};

TEST_F(IsolationRecoveryTest, HappyPath) {
  auto recovery = Make();
  peers_after_attempt_ = 2;
  EXPECT_EQ(CheckNow(*recovery), true);
  EXPECT_GE(peers_, 1u);
  EXPECT_EQ(metrics_.isolation_recoveries_total, 1u);
  EXPECT_EQ(metrics_.isolation_recovery_failures_total, 0u);
  ASSERT_EQ(bootstrapped_with_.size(), 1u);
  EXPECT_EQ(bootstrapped_with_[0], (std::vector<std::string>{"10.0.0.1:8080", "10.0.0.2:8080"}));
}

TEST_F(IsolationRecoveryTest, NoOpWithPeers) {
  auto recovery = Make(/*threshold=*/0);
  peers_ = 1;
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_EQ(provider_.calls(), 0);
  EXPECT_EQ(metrics_.isolation_recovery_failures_total, 0u);
}

TEST_F(IsolationRecoveryTest, NoSeedProvider) {
  auto recovery = Make(0, /*with_provider=*/false);
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_TRUE(bootstrapped_with_.empty());
  recovery->Start();
  EXPECT_EQ(scheduler_.pending(), 0u);  // no provider: the loop is disabled
}

TEST_F(IsolationRecoveryTest, EmptySeeds) {
  auto recovery = Make();
  provider_.Set({});
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_EQ(provider_.calls(), 1);
  EXPECT_TRUE(bootstrapped_with_.empty());
  EXPECT_EQ(metrics_.isolation_recovery_failures_total, 0u);  // no attempt, no failure
}

TEST_F(IsolationRecoveryTest, ProviderThrows) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  auto recovery = Make();
  provider_.set_throw(true);
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_EQ(metrics_.isolation_recovery_failures_total, 1u);
  bool logged = false;
  for (const std::string& line : sink->last_formatted()) {
    logged |= line.find("Isolation recovery failed; next attempt in 30s") != std::string::npos;
  }
  EXPECT_TRUE(logged);
  spdlog::set_default_logger(previous);
}

TEST_F(IsolationRecoveryTest, RebootstrapThrowsIsSwallowed) {
  auto recovery = Make();
  rebootstrap_throws_ = true;
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_EQ(metrics_.isolation_recovery_failures_total, 1u);
}

TEST_F(IsolationRecoveryTest, SingleFlight) {
  auto recovery = Make();
  hold_ = true;
  peers_after_attempt_ = 1;
  std::optional<bool> first;
  recovery->Check([&](bool r) { first = r; });
  EXPECT_FALSE(first);
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_EQ(provider_.calls(), 1);
  held_();
  EXPECT_EQ(first, true);
}

TEST_F(IsolationRecoveryTest, TimerCadence) {
  auto recovery = Make();
  recovery->Start();
  const std::vector<std::pair<int, int>> expected = {
      {30, 1}, {60, 2}, {120, 3}, {240, 4}, {360, 5}};
  scheduler_.AdvanceBy(seconds(0));
  EXPECT_EQ(provider_.calls(), 0);
  int now = 0;
  for (const auto& [at, calls] : expected) {
    scheduler_.AdvanceBy(seconds(at - now) - milliseconds(1));
    EXPECT_EQ(provider_.calls(), calls - 1) << "just before " << at << " s";
    scheduler_.AdvanceBy(milliseconds(1));
    EXPECT_EQ(provider_.calls(), calls) << "at " << at << " s";
    now = at;
  }
  recovery->Stop();
  scheduler_.AdvanceBy(seconds(1000));
  EXPECT_EQ(provider_.calls(), 5);
  EXPECT_EQ(metrics_.isolation_recovery_failures_total, 5u);
}

TEST_F(IsolationRecoveryTest, BackoffResets) {
  auto recovery = Make();
  recovery->Start();
  scheduler_.AdvanceBy(seconds(30));  // fail
  scheduler_.AdvanceBy(seconds(30));  // fail at 60, next at 120
  peers_after_attempt_ = 1;
  scheduler_.AdvanceBy(seconds(60));  // succeed at 120
  ASSERT_EQ(provider_.calls(), 3);
  EXPECT_EQ(metrics_.isolation_recoveries_total, 1u);
  peers_ = 0;  // isolated again right after the success
  peers_after_attempt_ = 0;
  scheduler_.AdvanceBy(seconds(30) - milliseconds(1));
  EXPECT_EQ(provider_.calls(), 3);
  scheduler_.AdvanceBy(milliseconds(1));
  EXPECT_EQ(provider_.calls(), 4);
}

TEST_F(IsolationRecoveryTest, NotIsolatedKeepsThePlainInterval) {
  auto recovery = Make();
  peers_ = 3;
  recovery->Start();
  scheduler_.AdvanceBy(seconds(90));
  EXPECT_EQ(provider_.calls(), 0);
  peers_ = 0;
  scheduler_.AdvanceBy(seconds(30));
  EXPECT_EQ(provider_.calls(), 1);
}

TEST_F(IsolationRecoveryTest, Threshold) {
  auto recovery = Make(/*threshold=*/1);
  peers_ = 1;
  peers_after_attempt_ = 1;
  EXPECT_EQ(CheckNow(*recovery), false);  // still at the threshold: a failed attempt
  EXPECT_EQ(provider_.calls(), 1);
  EXPECT_EQ(bootstrapped_with_.size(), 1u);
  peers_after_attempt_ = 2;
  EXPECT_EQ(CheckNow(*recovery), true);
}

TEST_F(IsolationRecoveryTest, PublicUsesCurrentList) {
  auto recovery = Make(0, true, /*public_mode=*/true);
  recovery->Start();
  provider_.Set({"10.9.9.9:8080"});  // the refresher replaced the list after startup
  scheduler_.AdvanceBy(seconds(30));
  ASSERT_EQ(bootstrapped_with_.size(), 1u);
  EXPECT_EQ(bootstrapped_with_[0], (std::vector<std::string>{"10.9.9.9:8080"}));
}

TEST_F(IsolationRecoveryTest, RefreshRequested) {
  auto recovery = Make(0, true, /*public_mode=*/true);
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_EQ(refreshes_, 1);
  peers_ = 1;
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_EQ(refreshes_, 1);  // not isolated: no attempt, no refresh
}

TEST_F(IsolationRecoveryTest, PrivateModeRequestsNoRefresh) {
  auto recovery = Make(0, true, /*public_mode=*/false);
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_EQ(refreshes_, 0);
}

TEST_F(IsolationRecoveryTest, JitterShiftsTheBackoffDelay) {
  rng_.set_fraction(0.0);  // -20 %
  auto recovery = Make();
  recovery->Start();
  scheduler_.AdvanceBy(seconds(30));  // first check at the plain interval, fails
  ASSERT_EQ(provider_.calls(), 1);
  scheduler_.AdvanceBy(seconds(24) - milliseconds(1));
  EXPECT_EQ(provider_.calls(), 1);
  scheduler_.AdvanceBy(milliseconds(1));
  EXPECT_EQ(provider_.calls(), 2);
}

TEST_F(IsolationRecoveryTest, NoCallbacksAfterStop) {
  auto recovery = Make();
  hold_ = true;
  std::optional<bool> result;
  recovery->Check([&](bool r) { result = r; });
  recovery->Stop();
  held_();  // the re-bootstrap finishes after Stop
  EXPECT_FALSE(result);
  EXPECT_EQ(CheckNow(*recovery), false);
  EXPECT_EQ(provider_.calls(), 1);
}

}  // namespace
}  // namespace repram::cluster
