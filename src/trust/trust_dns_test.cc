// Integration test against a real DNS server: dnsmasq on 127.0.0.1 (a free port), queried
// through AresResolver. Nothing but 127.0.0.1 is ever contacted.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <future>
#include <iostream>
#include <set>
#include <thread>

#include "trust/ares_resolver.h"
#include "trust/dns_list_fetcher.h"
#include "trust/root_list_cache.h"
#include "trust/testing/log_capture.h"
#include "trust/testing/temp_dir.h"
#include "trust/testing/test_signer.h"
#include "trust/trust_service.h"

namespace repram::trust {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::LogCapture;
using testing::ScopedTempDir;
using testing::TestSigner;

constexpr char kDnsmasq[] = "/usr/sbin/dnsmasq";

// Returns a loopback UDP socket bound to a free port (caller closes it), and the port.
int BindLoopbackUdp(uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

bool TcpAccepts(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// A dnsmasq child process serving TXT records from a config file, on 127.0.0.1 only. Killed
// (and reaped) on destruction; PR_SET_PDEATHSIG also kills it if the test process dies.
class Dnsmasq {
 public:
  // Starts dnsmasq with conf_lines (config file syntax: quoted strings may hold commas, but a
  // line is limited to about 1000 bytes) and extra_args (command-line options: no quoting, no
  // length limit), and waits until it accepts TCP. Returns nullptr on failure.
  static std::unique_ptr<Dnsmasq> Start(const std::string& dir,
                                        const std::vector<std::string>& conf_lines,
                                        const std::vector<std::string>& extra_args) {
    const std::string conf = dir + "/dnsmasq.conf";
    std::ofstream out(conf);
    for (const std::string& line : conf_lines) out << line << "\n";
    out.close();
    for (int attempt = 0; attempt < 5; ++attempt) {
      uint16_t port = 0;
      const int probe = BindLoopbackUdp(&port);
      if (probe < 0) return nullptr;
      close(probe);
      auto d = std::unique_ptr<Dnsmasq>(new Dnsmasq(port));
      if (d->Spawn(conf, dir + "/dnsmasq.log", extra_args) && d->WaitReady()) return d;
    }
    std::ifstream log(dir + "/dnsmasq.log");
    std::cerr << "dnsmasq failed to start:\n" << log.rdbuf();
    return nullptr;
  }
  ~Dnsmasq() { Stop(); }

  uint16_t port() const { return port_; }
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  explicit Dnsmasq(uint16_t port) : port_(port) {}

  bool Spawn(const std::string& conf, const std::string& log,
             const std::vector<std::string>& extra_args) {
    std::vector<std::string> args = {kDnsmasq,
                                     "--keep-in-foreground",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--pid-file=",
                                     "--log-facility=-",
                                     "--conf-file=" + conf,
                                     "--port=" + std::to_string(port_),
                                     "--listen-address=127.0.0.1",
                                     "--bind-interfaces",
                                     "--local=/test/"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
      }
      execv(kDnsmasq, argv.data());
      _exit(127);
    }
    return pid_ > 0;
  }

  bool WaitReady() {
    const auto deadline = std::chrono::steady_clock::now() + seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (TcpAccepts(port_)) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken or bad config
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    Stop();
    return false;
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

  const uint16_t port_;
  pid_t pid_ = -1;
};

// Returns a dnsmasq txt-record line whose text is split into quoted character-strings of at most
// chunk bytes (the text must not contain '"' or '\\').
std::string TxtLine(const std::string& name, const std::string& text, size_t chunk = 255) {
  std::string line = "txt-record=" + name;
  for (size_t i = 0; i < text.size(); i += chunk) line += ",\"" + text.substr(i, chunk) + "\"";
  return line;
}

// Returns 1500 'x' as six comma-separated 250-byte character-strings (command-line syntax).
std::string LongUnquotedStrings() {
  std::string strings = std::string(250, 'x');
  for (int i = 1; i < 6; ++i) strings += "," + std::string(250, 'x');
  return strings;
}

int64_t UnixNow() { return static_cast<int64_t>(std::time(nullptr)); }

std::vector<std::string> ManyNodes(int n) {
  std::vector<std::string> nodes;
  for (int i = 0; i < n; ++i) nodes.push_back("root-" + std::to_string(10 + i) + ".test:8080");
  return nodes;
}

// Result of a lookup, waited for on the test thread.
Result<std::vector<std::string>> LookupBlocking(TxtResolver& resolver, const std::string& name,
                                                Duration timeout = seconds(10)) {
  std::promise<Result<std::vector<std::string>>> promise;
  resolver.LookupTxt(name, timeout,
                     [&](Result<std::vector<std::string>> r) { promise.set_value(std::move(r)); });
  return promise.get_future().get();
}

class TrustDnsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signer_ = new TestSigner();
    tmp_ = new ScopedTempDir();
    const int64_t now = UnixNow();
    newest_ = new SignedList(signer_->Sign({"root-a.test:8080", "root-b.test:8080"}, now + 7200));
    long_list_ = new SignedList(signer_->Sign(ManyNodes(30), now + 3600));
    const std::string newest_record = FormatSignedRecord(*newest_);
    dnsmasq_ = Dnsmasq::Start(
                   tmp_->path(),
                   {
                       TxtLine("_multi.test", "part1", 255) + ",\"part2,with comma\"",
                       TxtLine("_bootstrap.ok.test", "omega=_omega.ok.test"),
                       TxtLine("_omega.ok.test", signer_->Record({"old.test:8080"}, now + 3600)),
                       TxtLine("_omega.ok.test", newest_record, 40),  // many strings, joined
                       TxtLine("_omega.ok.test", "v=omega-v1;garbage"),
                       TxtLine("_bootstrap.long.test", " v=1 ; omega = _omega.long.test "),
                       TxtLine("_omega.long.test", FormatSignedRecord(*long_list_)),
                       TxtLine("_bootstrap.noomega.test", "v=spf1 -all"),
                       TxtLine("_bootstrap.expired.test", "omega=_omega.expired.test"),
                       TxtLine("_omega.expired.test", signer_->Record({"e.test:1"}, now - 10)),
                   },
                   {"--txt-record=_long.test," + LongUnquotedStrings()})
                   .release();
  }
  static void TearDownTestSuite() {
    delete dnsmasq_;
    delete newest_;
    delete long_list_;
    delete tmp_;
    delete signer_;
  }
  void SetUp() override { ASSERT_NE(dnsmasq_, nullptr) << "dnsmasq did not start"; }

  std::unique_ptr<AresResolver> Resolver() {
    Result<std::unique_ptr<AresResolver>> r = AresResolver::Create({dnsmasq_->server()});
    EXPECT_TRUE(r.ok()) << r.status().message();
    return std::move(r).value();
  }
  Result<SignedList> FetchBlocking(const std::string& bootstrap_name) {
    DnsListFetcher fetcher(Resolver(), bootstrap_name, signer_->key(), SystemClock::Instance());
    std::promise<Result<SignedList>> promise;
    fetcher.Fetch([&](Result<SignedList> r) { promise.set_value(std::move(r)); });
    return promise.get_future().get();
  }
  std::unique_ptr<TrustService> Service(const std::string& bootstrap_name,
                                        const std::string& cache_dir) {
    TrustConfig config;
    config.omega_pubkey = signer_->public_b64();
    config.bootstrap_name = bootstrap_name;
    config.dns_servers = {dnsmasq_->server()};
    config.cache_dir = cache_dir;
    config.self_advertised = "root-a.test:8080";
    Result<std::unique_ptr<TrustService>> service = TrustService::Create(config);
    EXPECT_TRUE(service.ok()) << service.status().message();
    return std::move(service).value();
  }

  static TestSigner* signer_;
  static ScopedTempDir* tmp_;
  static SignedList* newest_;
  static SignedList* long_list_;
  static Dnsmasq* dnsmasq_;
};

TestSigner* TrustDnsTest::signer_ = nullptr;
ScopedTempDir* TrustDnsTest::tmp_ = nullptr;
SignedList* TrustDnsTest::newest_ = nullptr;
SignedList* TrustDnsTest::long_list_ = nullptr;
Dnsmasq* TrustDnsTest::dnsmasq_ = nullptr;

TEST_F(TrustDnsTest, ResolverJoinsCharacterStringsOfOneRecord) {
  Result<std::vector<std::string>> texts = LookupBlocking(*Resolver(), "_multi.test");
  ASSERT_TRUE(texts.ok()) << texts.status().message();
  EXPECT_EQ(*texts, std::vector<std::string>{"part1part2,with comma"});
}

TEST_F(TrustDnsTest, ResolverReadsLongRecordsOverTcp) {
  Result<std::vector<std::string>> texts = LookupBlocking(*Resolver(), "_long.test");
  ASSERT_TRUE(texts.ok()) << texts.status().message();
  EXPECT_EQ(*texts, std::vector<std::string>{std::string(1500, 'x')});
}

TEST_F(TrustDnsTest, ResolverKeepsRecordsApart) {
  Result<std::vector<std::string>> texts = LookupBlocking(*Resolver(), "_omega.ok.test");
  ASSERT_TRUE(texts.ok()) << texts.status().message();
  ASSERT_EQ(texts->size(), 3u);
  const std::set<std::string> got(texts->begin(), texts->end());
  EXPECT_EQ(got.count(FormatSignedRecord(*newest_)), 1u);
  EXPECT_EQ(got.count("v=omega-v1;garbage"), 1u);
}

TEST_F(TrustDnsTest, ResolverReportsNonexistentNames) {
  EXPECT_EQ(LookupBlocking(*Resolver(), "nope.test").status().message(),
            "lookup nope.test: Domain name not found");
}

TEST_F(TrustDnsTest, ResolverTimesOutAgainstASilentServer) {
  uint16_t port = 0;
  const int silent = BindLoopbackUdp(&port);  // receives queries, never answers
  ASSERT_GE(silent, 0);
  Result<std::unique_ptr<AresResolver>> resolver =
      AresResolver::Create({"127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(resolver.ok());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(LookupBlocking(**resolver, "x.test", milliseconds(300)).status().message(),
            "lookup x.test: Timeout while contacting DNS servers");
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(3));
  close(silent);
}

TEST_F(TrustDnsTest, CancelledLookupNeverCallsBack) {
  uint16_t port = 0;
  const int silent = BindLoopbackUdp(&port);
  ASSERT_GE(silent, 0);
  Result<std::unique_ptr<AresResolver>> resolver =
      AresResolver::Create({"127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(resolver.ok());
  std::atomic<int> calls{0};
  const TxtResolver::LookupId id = (*resolver)->LookupTxt(
      "x.test", seconds(5), [&](Result<std::vector<std::string>>) { ++calls; });
  (*resolver)->Cancel(id);
  // A later lookup completes, so the resolver thread has passed the cancelled one.
  EXPECT_EQ(LookupBlocking(**resolver, "y.test", milliseconds(50)).status().message(),
            "lookup y.test: Timeout while contacting DNS servers");
  EXPECT_EQ(calls.load(), 0);
  close(silent);
}

TEST_F(TrustDnsTest, ResolverStopsWithLookupsInFlight) {
  uint16_t port = 0;
  const int silent = BindLoopbackUdp(&port);
  ASSERT_GE(silent, 0);
  std::atomic<int> calls{0};
  {
    Result<std::unique_ptr<AresResolver>> resolver =
        AresResolver::Create({"127.0.0.1:" + std::to_string(port)});
    ASSERT_TRUE(resolver.ok());
    (*resolver)->LookupTxt("x.test", seconds(30), [&](auto) { ++calls; });
  }
  EXPECT_EQ(calls.load(), 0);
  close(silent);
}

TEST_F(TrustDnsTest, FetchFollowsIndirectionAndPicksTheNewestValidList) {
  Result<SignedList> list = FetchBlocking("_bootstrap.ok.test");
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(*list, *newest_);
}

TEST_F(TrustDnsTest, FetchVerifiesALongMultiStringList) {
  Result<SignedList> list = FetchBlocking("_bootstrap.long.test");
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(list->nodes.size(), 30u);
  EXPECT_GT(FormatSignedRecord(*list).size(), 600u);  // over 512 bytes: only TCP carries it
  EXPECT_EQ(*list, *long_list_);
}

TEST_F(TrustDnsTest, FetchReportsMissingOmegaEntry) {
  EXPECT_EQ(FetchBlocking("_bootstrap.noomega.test").status().message(),
            "trust: bootstrap TXT record has no omega= entry");
}

TEST_F(TrustDnsTest, FetchReportsTheExpiredRecord) {
  const std::string error = FetchBlocking("_bootstrap.expired.test").status().message();
  EXPECT_EQ(error.rfind("verify _omega.expired.test: trust: signed list has expired: exp=", 0), 0u)
      << error;
}

TEST_F(TrustDnsTest, StartupWithDnsSavesTheCache) {
  LogCapture logs;
  ScopedTempDir cache_dir;
  auto service = Service("_bootstrap.ok.test", cache_dir.path() + "/c");
  Result<SignedList> list = service->Bootstrap();
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(service->CurrentNodes(), newest_->nodes);
  EXPECT_TRUE(service->IsRoot());
  EXPECT_EQ(**RootListCache(cache_dir.path() + "/c").Load(), *newest_);
  struct stat st {};
  ASSERT_EQ(stat((cache_dir.path() + "/c/root-list.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(TrustDnsTest, StartupFallsBackToAValidCache) {
  LogCapture logs;
  ScopedTempDir cache_dir;
  ASSERT_TRUE(RootListCache(cache_dir.path()).Save(*newest_).ok());
  auto service = Service("_bootstrap.missing.test", cache_dir.path());
  Result<SignedList> list = service->Bootstrap();
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(*list, *newest_);
  EXPECT_TRUE(
      logs.Has("warning Omega DNS fetch failed: lookup _bootstrap.missing.test: Domain "
               "name not found \u2014 trying cached list at " +
               cache_dir.path()));
}

TEST_F(TrustDnsTest, StartupFailsWithExpiredCache) {
  LogCapture logs;
  ScopedTempDir cache_dir;
  const int64_t exp = UnixNow() - 1;
  ASSERT_TRUE(RootListCache(cache_dir.path()).Save(signer_->Sign({"a:1"}, exp)).ok());
  const std::string error =
      Service("_bootstrap.missing.test", cache_dir.path())->Bootstrap().status().message();
  EXPECT_EQ(error.rfind("cached omega list invalid: trust: signed list has expired: exp=" +
                            std::to_string(exp) + " now=",
                        0),
            0u)
      << error;
  EXPECT_NE(error.find(" (dns: lookup _bootstrap.missing.test: Domain name not found)"),
            std::string::npos)
      << error;
}

TEST_F(TrustDnsTest, StartupFailsWithoutCache) {
  LogCapture logs;
  ScopedTempDir cache_dir;
  EXPECT_EQ(Service("_bootstrap.missing.test", cache_dir.path())->Bootstrap().status().message(),
            "no DNS record and no cache available: lookup _bootstrap.missing.test: Domain name "
            "not found");
  EXPECT_TRUE(
      logs.Has("error Omega bootstrap failed: no DNS record and no cache available: "
               "lookup _bootstrap.missing.test: Domain name not found"));
}

TEST_F(TrustDnsTest, StartupFailsWithUnreadableCache) {
  LogCapture logs;
  ScopedTempDir cache_dir;
  std::ofstream(cache_dir.path() + "/root-list.json") << "{\"version\":1}";
  EXPECT_EQ(Service("_bootstrap.missing.test", cache_dir.path())->Bootstrap().status().message(),
            "dns: lookup _bootstrap.missing.test: Domain name not found; cache: " +
                cache_dir.path() + "/root-list.json: missing or mistyped key \"version\"");
}

TEST_F(TrustDnsTest, StartupFallsBackWhenNoServerListens) {
  LogCapture logs;
  ScopedTempDir cache_dir;
  ASSERT_TRUE(RootListCache(cache_dir.path()).Save(*newest_).ok());
  uint16_t port = 0;
  const int probe = BindLoopbackUdp(&port);
  close(probe);  // nothing listens there any more: queries are refused at once
  TrustConfig config;
  config.omega_pubkey = signer_->public_b64();
  config.bootstrap_name = "_bootstrap.ok.test";
  config.dns_servers = {"127.0.0.1:" + std::to_string(port)};
  config.cache_dir = cache_dir.path();
  Result<std::unique_ptr<TrustService>> service = TrustService::Create(config);
  ASSERT_TRUE(service.ok());
  Result<SignedList> list = (*service)->Bootstrap();
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(*list, *newest_);
}

}  // namespace
}  // namespace repram::trust
