#include "trust/startup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "trust/testing/fake_list_fetcher.h"
#include "trust/testing/log_capture.h"
#include "trust/testing/temp_dir.h"
#include "trust/testing/test_signer.h"
#include "trust/unix_time.h"
#include "util/fake_clock.h"
#include "util/rfc3339.h"

namespace repram::trust {
namespace {

using testing::FakeListFetcher;
using testing::LogCapture;
using testing::ScopedTempDir;
using testing::TestSigner;

const char kDnsError[] = "lookup _bootstrap.test: Domain name not found";

class StartupTest : public ::testing::Test {
 protected:
  int64_t Now() const { return UnixSeconds(clock_.WallNow()); }
  Result<SignedList> Run() {
    return RunStartupFetch(fetcher_, cache_, signer_.key().bytes, clock_);
  }
  void DnsFails() { fetcher_.Script(Status(StatusCode::kUnavailable, kDnsError)); }
  std::string FallbackWarning() const {
    return std::string("warning Omega DNS fetch failed: ") + kDnsError +
           " \u2014 trying cached list at " + tmp_.path();
  }

  LogCapture logs_;
  FakeClock clock_;
  TestSigner signer_;
  ScopedTempDir tmp_;
  RootListCache cache_{tmp_.path()};
  FakeListFetcher fetcher_;
};

TEST_F(StartupTest, DnsSuccessSavesTheCacheAndReturnsTheList) {
  const SignedList list = signer_.Sign({"r1:1", "r2:1"}, Now() + 86400);
  fetcher_.Script(list);
  Result<SignedList> result = Run();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, list);
  EXPECT_EQ(**cache_.Load(), list);
  EXPECT_TRUE(logs_.Has("info Omega bootstrap: verified signed root list (2 nodes, expires " +
                        FormatRfc3339Seconds(Now() + 86400) + ")"));
}

TEST_F(StartupTest, CacheWriteFailureOnlyWarns) {
  std::ofstream(tmp_.path() + "/file") << "x";
  const RootListCache broken(tmp_.path() + "/file");
  fetcher_.Script(signer_.Sign({"r:1"}, Now() + 60));
  EXPECT_TRUE(RunStartupFetch(fetcher_, broken, signer_.key().bytes, clock_).ok());
  const std::string prefix = "warning Failed to update omega cache at " + tmp_.path() +
                             "/file: create " + tmp_.path() + "/file/root-list.json.";
  bool warned = false;
  for (const std::string& l : logs_.Lines()) {
    warned |=
        l.rfind(prefix, 0) == 0 && l.find(": Not a directory (continuing)") != std::string::npos;
  }
  EXPECT_TRUE(warned);
}

TEST_F(StartupTest, DnsDownWithValidCacheUsesTheCache) {
  const SignedList list = signer_.Sign({"c:1"}, Now() + 600);
  ASSERT_TRUE(cache_.Save(list).ok());
  DnsFails();
  Result<SignedList> result = Run();
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(*result, list);
  EXPECT_TRUE(logs_.Has(FallbackWarning()));
  EXPECT_TRUE(logs_.Has("info Omega bootstrap: using cached signed root list (1 nodes, expires " +
                        FormatRfc3339Seconds(Now() + 600) + ")"));
}

TEST_F(StartupTest, DnsDownWithoutCacheIsFatal) {
  DnsFails();
  EXPECT_EQ(Run().status().message(),
            std::string("no DNS record and no cache available: ") + kDnsError);
  EXPECT_TRUE(logs_.Has(FallbackWarning()));
}

TEST_F(StartupTest, DnsDownWithUnparsableCacheIsFatal) {
  std::ofstream(cache_.path()) << "{broken";
  DnsFails();
  EXPECT_EQ(Run().status().message(),
            std::string("dns: ") + kDnsError + "; cache: " + cache_.path() + ": invalid JSON");
}

TEST_F(StartupTest, DnsDownWithExpiredCacheIsFatal) {
  ASSERT_TRUE(cache_.Save(signer_.Sign({"c:1"}, Now())).ok());
  DnsFails();
  EXPECT_EQ(
      Run().status().message(),
      "cached omega list invalid: trust: signed list has expired: exp=" + std::to_string(Now()) +
          " now=" + std::to_string(Now()) + " (dns: " + kDnsError + ")");
}

TEST_F(StartupTest, DnsDownWithCacheSignedByAnotherKeyIsFatal) {
  TestSigner other;
  ASSERT_TRUE(cache_.Save(other.Sign({"evil:1"}, Now() + 600)).ok());
  DnsFails();
  EXPECT_EQ(Run().status().message(),
            std::string("cached omega list invalid: trust: signed list signature verification "
                        "failed (dns: ") +
                kDnsError + ")");
}

TEST_F(StartupTest, DnsFailureDoesNotTouchTheCache) {
  const SignedList list = signer_.Sign({"c:1"}, Now() + 600);
  ASSERT_TRUE(cache_.Save(list).ok());
  struct stat before {};
  stat(cache_.path().c_str(), &before);
  DnsFails();
  ASSERT_TRUE(Run().ok());
  struct stat after {};
  stat(cache_.path().c_str(), &after);
  EXPECT_EQ(before.st_ino, after.st_ino);
}

}  // namespace
}  // namespace repram::trust
