#include "trust/trust_service.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust/testing/fake_list_fetcher.h"
#include "trust/testing/fixed_rng.h"
#include "trust/testing/log_capture.h"
#include "trust/testing/temp_dir.h"
#include "trust/testing/test_signer.h"
#include "trust/unix_time.h"
#include "util/fake_scheduler.h"

namespace repram::trust {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using testing::FakeListFetcher;
using testing::FixedRng;
using testing::LogCapture;
using testing::ScopedTempDir;
using testing::TestSigner;

constexpr char kSelf[] = "203.0.113.7:8080";

class TrustServiceTest : public ::testing::Test {
 protected:
  TrustServiceTest() {
    TrustConfig config;
    config.cache_dir = tmp_.path();
    config.self_advertised = kSelf;
    auto fetcher = std::make_unique<FakeListFetcher>();
    fetcher_ = fetcher.get();
    service_ = std::make_unique<TrustService>(config, signer_.key(), std::move(fetcher), clock_,
                                              std::make_unique<FixedRng>(0.0));
  }
  int64_t Now() const { return UnixSeconds(clock_.WallNow()); }
  // Bootstraps from DNS with nodes expiring in one day, then starts the refresher.
  void BootstrapAndStart(std::vector<std::string> nodes) {
    fetcher_->Script(signer_.Sign(std::move(nodes), Now() + 86400));
    ASSERT_TRUE(service_->Bootstrap().ok());
    service_->Start(scheduler_);
  }
  // Runs the scheduled refresh and answers it with list.
  void RefreshWith(Result<SignedList> list) {
    service_->RequestRefresh();
    scheduler_.AdvanceBy(seconds(30));
    ASSERT_EQ(fetcher_->pending(), 1u);
    fetcher_->Complete(std::move(list));
  }

  LogCapture logs_;
  ScopedTempDir tmp_;
  FakeClock clock_;
  FakeScheduler scheduler_{clock_};
  TestSigner signer_;
  FakeListFetcher* fetcher_;
  std::unique_ptr<TrustService> service_;
};

TEST_F(TrustServiceTest, StartsEmptyAndNotRoot) {
  EXPECT_TRUE(service_->CurrentNodes().empty());
  EXPECT_FALSE(service_->IsRoot());
  EXPECT_EQ(service_->last_refresh_unix_seconds(), 0);
  service_->RequestRefresh();  // before Start: ignored
  EXPECT_EQ(fetcher_->fetches(), 0);
}

TEST_F(TrustServiceTest, BootstrapPublishesNodesRootStatusAndGauge) {
  fetcher_->Script(signer_.Sign({"b:1", kSelf, "a:1"}, Now() + 86400));
  ASSERT_TRUE(service_->Bootstrap().ok());
  EXPECT_EQ(service_->CurrentNodes(), (std::vector<std::string>{"b:1", kSelf, "a:1"}));
  EXPECT_TRUE(service_->IsRoot());
  EXPECT_EQ(service_->last_refresh_unix_seconds(), Now());
  EXPECT_TRUE(logs_.Has(std::string("info Initial root status: bootstrap root (advertised as ") +
                        kSelf + ")"));
}

TEST_F(TrustServiceTest, BootstrapFailureIsLoggedAsFatal) {
  fetcher_->Script(Status(StatusCode::kUnavailable, "lookup x: Domain name not found"));
  Result<SignedList> result = service_->Bootstrap();
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(
      logs_.Has("error Omega bootstrap failed: no DNS record and no cache available: "
                "lookup x: Domain name not found"));
  EXPECT_TRUE(service_->CurrentNodes().empty());
  EXPECT_EQ(service_->last_refresh_unix_seconds(), 0);
}

TEST_F(TrustServiceTest, RootStatusFlip) {
  BootstrapAndStart({"a:1"});
  EXPECT_FALSE(service_->IsRoot());
  EXPECT_TRUE(logs_.Has(std::string("info Initial root status: not a root (advertised as ") +
                        kSelf + "); /v1/bootstrap returns 403"));

  RefreshWith(signer_.Sign({"a:1", kSelf}, Now() + 86400));
  EXPECT_TRUE(service_->IsRoot());
  EXPECT_TRUE(logs_.Has("info Root status changed: this node is now a bootstrap root"));

  scheduler_.AdvanceBy(seconds(30));
  RefreshWith(signer_.Sign({"a:1"}, Now() + 86400));
  EXPECT_FALSE(service_->IsRoot());
  EXPECT_TRUE(logs_.Has("info Root status changed: this node is no longer a bootstrap root"));
}

TEST_F(TrustServiceTest, RefreshReplacesNodesSavesCacheAndSetsGauge) {
  BootstrapAndStart({"a:1"});
  ASSERT_EQ(unlink(RootListCache(tmp_.path()).path().c_str()), 0);
  scheduler_.AdvanceBy(hours(1));
  const SignedList next = signer_.Sign({"c:1", "d:1"}, Now() + 86400);
  RefreshWith(next);
  EXPECT_EQ(service_->CurrentNodes(), (std::vector<std::string>{"c:1", "d:1"}));
  EXPECT_EQ(service_->last_refresh_unix_seconds(), Now());
  EXPECT_EQ(**RootListCache(tmp_.path()).Load(), next);
}

TEST_F(TrustServiceTest, SameExpRefreshReSavesTheCache) {
  const int64_t exp = Now() + 86400;
  fetcher_->Script(signer_.Sign({"a:1"}, exp));
  ASSERT_TRUE(service_->Bootstrap().ok());
  service_->Start(scheduler_);
  ASSERT_EQ(unlink(RootListCache(tmp_.path()).path().c_str()), 0);
  RefreshWith(signer_.Sign({"b:1"}, exp));
  EXPECT_EQ(service_->CurrentNodes(), std::vector<std::string>{"b:1"});
  EXPECT_TRUE(RootListCache(tmp_.path()).Load()->has_value());
}

TEST_F(TrustServiceTest, FailedRefreshKeepsTheCurrentList) {
  BootstrapAndStart({"a:1", kSelf});
  const int64_t gauge = service_->last_refresh_unix_seconds();
  RefreshWith(Status(StatusCode::kUnavailable, "lookup x: Timeout while contacting DNS servers"));
  EXPECT_EQ(service_->CurrentNodes(), (std::vector<std::string>{"a:1", kSelf}));
  EXPECT_TRUE(service_->IsRoot());
  EXPECT_EQ(service_->last_refresh_unix_seconds(), gauge);
  EXPECT_TRUE(logs_.Has("warning Omega refresh: lookup x: Timeout while contacting DNS servers"));
}

TEST_F(TrustServiceTest, RefreshSaveFailureOnlyWarns) {
  BootstrapAndStart({"a:1"});
  const std::string file = RootListCache(tmp_.path()).path();
  ASSERT_EQ(unlink(file.c_str()), 0);
  ASSERT_EQ(mkdir(file.c_str(), 0700), 0);  // a non-empty directory cannot be renamed over
  ASSERT_EQ(mkdir((file + "/keep").c_str(), 0700), 0);
  RefreshWith(signer_.Sign({"b:1"}, Now() + 86400));
  EXPECT_EQ(service_->CurrentNodes(), std::vector<std::string>{"b:1"});
  bool warned = false;
  for (const std::string& l : logs_.Lines()) {
    warned |= l.rfind("warning Omega refresh: failed to save cache: rename ", 0) == 0;
  }
  EXPECT_TRUE(warned);
}

TEST_F(TrustServiceTest, StopCancelsRefreshTimerAndFetch) {
  BootstrapAndStart({"a:1"});
  service_->RequestRefresh();
  scheduler_.AdvanceBy(seconds(0));
  ASSERT_EQ(fetcher_->pending(), 1u);
  service_->Stop();
  EXPECT_EQ(fetcher_->pending(), 0u);
  EXPECT_EQ(scheduler_.pending(), 0u);
  service_->RequestRefresh();
  scheduler_.AdvanceBy(hours(48));
  EXPECT_EQ(fetcher_->fetches(), 2);
}

TEST(TrustServiceCreateTest, PlaceholderRefused) {
  LogCapture logs;
  TrustConfig config;  // no REPRAM_OMEGA_PUBKEY: the baked-in placeholder
  Result<std::unique_ptr<TrustService>> service = TrustService::Create(config);
  ASSERT_FALSE(service.ok());
  const std::string error =
      "baked-in omega pubkey is invalid: trust: omega pubkey is the placeholder or a small-order "
      "point";
  EXPECT_EQ(service.status().message(), error);
  EXPECT_TRUE(logs.Has("error Omega bootstrap failed: " + error));
  EXPECT_TRUE(
      logs.Has("error Set REPRAM_OMEGA_PUBKEY to the base64 omega public key, or use "
               "REPRAM_NETWORK=private."));
}

TEST(TrustServiceCreateTest, InvalidEnvKeyNamesTheVariable) {
  LogCapture logs;
  TrustConfig config;
  config.omega_pubkey = "not base64!";
  EXPECT_EQ(TrustService::Create(config).status().message(),
            "REPRAM_OMEGA_PUBKEY: trust: omega pubkey is not valid base64");
}

TEST(TrustServiceCreateTest, RejectsUnusableDnsServers) {
  LogCapture logs;
  TestSigner signer;
  TrustConfig config;
  config.omega_pubkey = signer.public_b64();
  config.dns_servers = {"not-an-ip:53"};
  Result<std::unique_ptr<TrustService>> service = TrustService::Create(config);
  ASSERT_FALSE(service.ok());
  EXPECT_EQ(service.status().message().rfind("REPRAM_DNS_SERVERS: invalid server list", 0), 0u)
      << service.status().message();
}

TEST(TrustServiceCreateTest, BuildsWithAValidKeyAndServers) {
  LogCapture logs;
  TestSigner signer;
  ScopedTempDir tmp;
  TrustConfig config;
  config.omega_pubkey = signer.public_b64();
  config.dns_servers = {" 127.0.0.1:5353", "[::1]:53", ""};
  config.cache_dir = tmp.path();
  EXPECT_TRUE(TrustService::Create(config).ok());
}

}  // namespace
}  // namespace repram::trust
