#include "trust/dns_list_fetcher.h"

#include <gtest/gtest.h>

#include <optional>

#include "trust/testing/fake_txt_resolver.h"
#include "trust/testing/test_signer.h"
#include "trust/unix_time.h"
#include "util/fake_clock.h"

namespace repram::trust {
namespace {

using std::chrono::seconds;
using testing::FakeTxtResolver;
using testing::TestSigner;

class DnsListFetcherTest : public ::testing::Test {
 protected:
  DnsListFetcherTest() {
    auto resolver = std::make_unique<FakeTxtResolver>();
    resolver_ = resolver.get();
    fetcher_ = std::make_unique<DnsListFetcher>(std::move(resolver), "_bootstrap.test",
                                                signer_.key(), clock_);
  }

  int64_t Now() const { return UnixSeconds(clock_.WallNow()); }

  // Starts a fetch whose result lands in result_.
  void StartFetch() {
    fetcher_->Fetch([this](Result<SignedList> r) {
      ++calls_;
      result_.emplace(std::move(r));
    });
  }
  std::string ErrorText() const { return result_->ok() ? "ok" : result_->status().message(); }

  FakeClock clock_;
  TestSigner signer_;
  FakeTxtResolver* resolver_;
  std::unique_ptr<DnsListFetcher> fetcher_;
  int calls_ = 0;
  std::optional<Result<SignedList>> result_;
};

TEST_F(DnsListFetcherTest, FollowsTheIndirectionAndReturnsTheVerifiedList) {
  resolver_->Answer("_bootstrap.test", std::vector<std::string>{"omega=_omega.test"});
  resolver_->Answer("_omega.test",
                    std::vector<std::string>{signer_.Record({"r1:8080", "r2:8080"}, Now() + 60)});
  StartFetch();
  EXPECT_EQ(calls_, 0);  // never before Fetch returns
  resolver_->RunPending();
  ASSERT_EQ(calls_, 1);
  ASSERT_TRUE(result_->ok()) << ErrorText();
  EXPECT_EQ((*result_)->nodes, (std::vector<std::string>{"r1:8080", "r2:8080"}));
  ASSERT_EQ(resolver_->started().size(), 2u);
  EXPECT_EQ(resolver_->started()[0].name, "_bootstrap.test");
  EXPECT_EQ(resolver_->started()[1].name, "_omega.test");
}

TEST_F(DnsListFetcherTest, BothHopsShareOneTenSecondDeadline) {
  resolver_->Answer("_bootstrap.test", std::vector<std::string>{"omega=_omega.test"});
  StartFetch();
  clock_.Advance(seconds(3));
  resolver_->RunPending();
  ASSERT_EQ(resolver_->started().size(), 2u);
  EXPECT_EQ(resolver_->started()[0].timeout, seconds(10));
  EXPECT_EQ(resolver_->started()[1].timeout, seconds(7));
}

TEST_F(DnsListFetcherTest, VerifiesAtTheTimeTheAnswerArrives) {
  resolver_->Answer("_bootstrap.test", std::vector<std::string>{"omega=_omega.test"});
  resolver_->Answer("_omega.test", std::vector<std::string>{signer_.Record({"r:1"}, Now() + 5)});
  StartFetch();
  clock_.Advance(seconds(5));
  resolver_->RunPending();
  EXPECT_EQ(ErrorText(), "verify _omega.test: trust: signed list has expired: exp=" +
                             std::to_string(Now()) + " now=" + std::to_string(Now()));
}

TEST_F(DnsListFetcherTest, PassesResolverErrorsThrough) {
  StartFetch();
  resolver_->RunPending();
  EXPECT_EQ(ErrorText(), "lookup _bootstrap.test: Domain name not found");
}

TEST_F(DnsListFetcherTest, ReportsHopOneWithoutUsableRecords) {
  resolver_->Answer("_bootstrap.test", std::vector<std::string>{"  ", ""});
  StartFetch();
  resolver_->RunPending();
  EXPECT_EQ(ErrorText(),
            "lookup _bootstrap.test: trust: TXT lookup for _bootstrap.test returned no usable "
            "records");
}

TEST_F(DnsListFetcherTest, ReportsMissingOmegaEntry) {
  resolver_->Answer("_bootstrap.test", std::vector<std::string>{"v=spf1 -all"});
  StartFetch();
  resolver_->RunPending();
  EXPECT_EQ(ErrorText(), "trust: bootstrap TXT record has no omega= entry");
}

TEST_F(DnsListFetcherTest, ReportsHopTwoErrorsWithTheTargetName) {
  resolver_->Answer("_bootstrap.test", std::vector<std::string>{"omega=_omega.test"});
  resolver_->Answer("_omega.test", std::vector<std::string>{"\t"});
  StartFetch();
  resolver_->RunPending();
  EXPECT_EQ(ErrorText(),
            "lookup _omega.test: trust: TXT lookup for _omega.test returned no usable records");
}

TEST_F(DnsListFetcherTest, CancelAbandonsTheFirstHopWithoutCallingBack) {
  resolver_->Answer("_bootstrap.test", std::vector<std::string>{"omega=_omega.test"});
  StartFetch();
  fetcher_->Cancel();
  resolver_->RunPending();
  EXPECT_EQ(calls_, 0);
  EXPECT_EQ(resolver_->cancelled().count(resolver_->started()[0].id), 1u);
  EXPECT_EQ(resolver_->started().size(), 1u);
}

TEST_F(DnsListFetcherTest, CancelBetweenHopsAbandonsTheSecondHop) {
  resolver_->Answer("_bootstrap.test", std::vector<std::string>{"omega=_omega.test"});
  StartFetch();
  resolver_->RunOne();
  ASSERT_EQ(resolver_->started().size(), 2u);
  fetcher_->Cancel();
  resolver_->RunPending();
  EXPECT_EQ(calls_, 0);
  EXPECT_EQ(resolver_->cancelled().count(resolver_->started()[1].id), 1u);
}

TEST_F(DnsListFetcherTest, ConcurrentFetchesAreIndependent) {
  resolver_->Answer("_bootstrap.test", std::vector<std::string>{"omega=_omega.test"});
  resolver_->Answer("_omega.test", std::vector<std::string>{signer_.Record({"r:1"}, Now() + 60)});
  StartFetch();
  StartFetch();
  resolver_->RunPending();
  EXPECT_EQ(calls_, 2);
  EXPECT_TRUE(result_->ok());
}

}  // namespace
}  // namespace repram::trust
