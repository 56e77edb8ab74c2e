#include "trust/refresher.h"

#include <gtest/gtest.h>

#include <vector>

#include "trust/testing/fake_list_fetcher.h"
#include "trust/testing/fixed_rng.h"
#include "trust/testing/log_capture.h"
#include "trust/unix_time.h"
#include "util/fake_scheduler.h"
#include "util/rfc3339.h"

namespace repram::trust {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::FakeListFetcher;
using testing::FixedRng;
using testing::LogCapture;

Result<SignedList> Failure(const std::string& text) {
  return Status(StatusCode::kUnavailable, text);
}

class RefresherTest : public ::testing::Test {
 protected:
  int64_t Now() const { return UnixSeconds(clock_.WallNow()); }

  // Creates and starts a refresher whose current list expires at exp.
  void StartWith(int64_t exp) {
    refresher_ = std::make_unique<Refresher>(
        scheduler_, fetcher_, rng_, exp, [this](const SignedList& l) { applied_.push_back(l); });
    refresher_->Start();
  }
  SignedList ListExpiringAt(int64_t exp) { return SignedList{"omega-v1", exp, {"r:1"}, ""}; }
  // Advances the fake time by d and returns how many fetches started meanwhile.
  int AdvanceAndCountFetches(Duration d) {
    const int before = fetcher_.fetches();
    scheduler_.AdvanceBy(d);
    return fetcher_.fetches() - before;
  }

  LogCapture logs_;
  FakeClock clock_;
  FakeScheduler scheduler_{clock_};
  FixedRng rng_{0.0};  // delays at the low end: 0.81 × remaining
  FakeListFetcher fetcher_;
  std::vector<SignedList> applied_;
  std::unique_ptr<Refresher> refresher_;
};

TEST_F(RefresherTest, FirstRefreshFollowsTheCurrentListsLifetime) {
  StartWith(Now() + 1000);
  EXPECT_EQ(AdvanceAndCountFetches(seconds(809)), 0);
  EXPECT_EQ(AdvanceAndCountFetches(seconds(1)), 1);
}

TEST_F(RefresherTest, AcceptedListIsAppliedAndSchedulesByItsExpiry) {
  StartWith(Now() + 1000);
  scheduler_.AdvanceBy(seconds(810));
  fetcher_.Complete(ListExpiringAt(Now() + 10'000));
  ASSERT_EQ(applied_.size(), 1u);
  EXPECT_EQ(applied_[0].exp, Now() + 10'000);
  EXPECT_EQ(AdvanceAndCountFetches(seconds(8099)), 0);
  EXPECT_EQ(AdvanceAndCountFetches(seconds(1)), 1);
}

TEST_F(RefresherTest, BackoffSequence) {
  StartWith(Now() + 100);
  scheduler_.AdvanceBy(seconds(81));
  ASSERT_EQ(fetcher_.pending(), 1u);
  for (const int expected : {30, 60, 120, 240, 480, 600, 600}) {
    fetcher_.Complete(Failure("lookup x: Timeout while contacting DNS servers"));
    EXPECT_EQ(AdvanceAndCountFetches(seconds(expected) - milliseconds(1)), 0) << expected;
    EXPECT_EQ(AdvanceAndCountFetches(milliseconds(1)), 1) << expected;
  }
  EXPECT_TRUE(applied_.empty());
  EXPECT_TRUE(logs_.Has("warning Omega refresh: lookup x: Timeout while contacting DNS servers"));
}

TEST_F(RefresherTest, AntiRollback) {
  const int64_t current = Now() + 2000;
  StartWith(current);
  scheduler_.AdvanceBy(seconds(1620));
  fetcher_.Complete(ListExpiringAt(current - 1));
  EXPECT_TRUE(applied_.empty());
  EXPECT_TRUE(logs_.Has("warning Omega refresh: trust: refusing older signed root list: exp=" +
                        std::to_string(current - 1) + " < current exp=" + std::to_string(current)));
  EXPECT_EQ(AdvanceAndCountFetches(seconds(30)), 1);  // handled as a failure: retry after backoff
}

TEST_F(RefresherTest, SameExpAccepted) {
  const int64_t current = Now() + 2000;
  StartWith(current);
  scheduler_.AdvanceBy(seconds(1620));
  fetcher_.Complete(ListExpiringAt(current));
  ASSERT_EQ(applied_.size(), 1u);
  EXPECT_EQ(applied_[0].exp, current);
}

TEST_F(RefresherTest, SuccessAfterFailuresResetsBackoff) {
  StartWith(Now() + 100);
  scheduler_.AdvanceBy(seconds(81));
  fetcher_.Complete(Failure("e"));
  scheduler_.AdvanceBy(seconds(30));
  fetcher_.Complete(Failure("e"));
  scheduler_.AdvanceBy(seconds(60));
  fetcher_.Complete(ListExpiringAt(Now() + 100));
  scheduler_.AdvanceBy(seconds(81));
  fetcher_.Complete(Failure("e"));
  EXPECT_EQ(AdvanceAndCountFetches(seconds(30)), 1);
}

TEST_F(RefresherTest, KeepsServingAnExpiredListAndSaysSoOnce) {
  const int64_t exp = Now() + 100;
  StartWith(exp);
  scheduler_.AdvanceBy(seconds(81));
  fetcher_.Complete(Failure("e"));
  const std::string notice = "warning Omega: current signed root list expired at " +
                             FormatRfc3339Seconds(exp) +
                             "; continuing with last verified list until a refresh succeeds";
  EXPECT_FALSE(logs_.Has(notice));
  for (int i = 0; i < 3; ++i) {
    scheduler_.AdvanceBy(minutes(10));
    fetcher_.Complete(Failure("e"));
  }
  EXPECT_TRUE(logs_.Has(notice));
  int notices = 0;
  for (const std::string& line : logs_.Lines()) notices += line.rfind(notice, 0) == 0 ? 1 : 0;
  EXPECT_EQ(notices, 1);
  EXPECT_TRUE(applied_.empty());
}

TEST_F(RefresherTest, OnDemandCoalesced) {
  StartWith(Now() + 100'000);
  refresher_->RequestRefresh();
  refresher_->RequestRefresh();
  EXPECT_EQ(AdvanceAndCountFetches(seconds(0)), 1);
  refresher_->RequestRefresh();  // attempt running: nothing
  scheduler_.AdvanceBy(seconds(5));
  fetcher_.Complete(Failure("e"));
  refresher_->RequestRefresh();  // within 30 s of the last start: at start + 30 s
  refresher_->RequestRefresh();
  EXPECT_EQ(AdvanceAndCountFetches(seconds(20)), 0);
  EXPECT_EQ(AdvanceAndCountFetches(seconds(10)), 1);
  EXPECT_EQ(fetcher_.fetches(), 2);
}

TEST_F(RefresherTest, ThreeRequestsWithinThirtySecondsMakeOneAttempt) {
  StartWith(Now() + 100'000);
  refresher_->RequestRefresh();
  scheduler_.AdvanceBy(seconds(1));
  fetcher_.Complete(ListExpiringAt(Now() + 100'000));
  scheduler_.AdvanceBy(seconds(10));
  refresher_->RequestRefresh();
  scheduler_.AdvanceBy(seconds(10));
  refresher_->RequestRefresh();
  EXPECT_EQ(fetcher_.fetches(), 1);
  EXPECT_EQ(AdvanceAndCountFetches(seconds(10)), 1);  // the two later ones coalesce at +30 s
  EXPECT_EQ(fetcher_.fetches(), 2);
}

TEST_F(RefresherTest, OnDemandDoesNotDelayAnEarlierScheduledRetry) {
  StartWith(Now() + 100);
  scheduler_.AdvanceBy(seconds(81));
  fetcher_.Complete(Failure("e"));  // retry due in 30 s
  scheduler_.AdvanceBy(seconds(10));
  refresher_->RequestRefresh();  // spacing would allow +20 s, the retry is due then too
  EXPECT_EQ(AdvanceAndCountFetches(seconds(20)), 1);
}

TEST_F(RefresherTest, OnDemandIsIgnoredBeforeStart) {
  Refresher refresher(scheduler_, fetcher_, rng_, Now() + 1000, [](const SignedList&) {});
  refresher.RequestRefresh();
  EXPECT_EQ(scheduler_.pending(), 0u);
}

TEST_F(RefresherTest, StopCancelsTimerAndFetchInFlight) {
  StartWith(Now() + 100);
  refresher_->Stop();
  EXPECT_EQ(scheduler_.pending(), 0u);
  refresher_->RequestRefresh();
  EXPECT_EQ(AdvanceAndCountFetches(hours(1)), 0);

  StartWith(Now() + 100);
  scheduler_.AdvanceBy(seconds(81));
  ASSERT_EQ(fetcher_.pending(), 1u);
  const int cancels = fetcher_.cancels();
  refresher_->Stop();
  EXPECT_EQ(fetcher_.cancels(), cancels + 1);
  EXPECT_EQ(fetcher_.pending(), 0u);
}

// A fetcher that keeps callbacks even when cancelled, like a result racing with shutdown.
class StickyFetcher final : public ListFetcher {
 public:
  void Fetch(Callback done) override { callbacks.push_back(std::move(done)); }
  void Cancel() override {}
  std::vector<Callback> callbacks;
};

TEST_F(RefresherTest, ResultArrivingAfterDestructionIsIgnored) {
  StickyFetcher sticky;
  auto refresher =
      std::make_unique<Refresher>(scheduler_, sticky, rng_, Now() + 100,
                                  [this](const SignedList& l) { applied_.push_back(l); });
  refresher->Start();
  scheduler_.AdvanceBy(seconds(81));
  ASSERT_EQ(sticky.callbacks.size(), 1u);
  refresher.reset();
  sticky.callbacks[0](ListExpiringAt(Now() + 1000));
  EXPECT_TRUE(applied_.empty());
  EXPECT_EQ(scheduler_.pending(), 0u);
}

TEST_F(RefresherTest, ResultArrivingAfterStopIsIgnored) {
  StickyFetcher sticky;
  Refresher refresher(scheduler_, sticky, rng_, Now() + 100,
                      [this](const SignedList& l) { applied_.push_back(l); });
  refresher.Start();
  scheduler_.AdvanceBy(seconds(81));
  refresher.Stop();
  sticky.callbacks[0](ListExpiringAt(Now() + 1000));
  EXPECT_TRUE(applied_.empty());
  EXPECT_EQ(scheduler_.pending(), 0u);
}

}  // namespace
}  // namespace repram::trust
