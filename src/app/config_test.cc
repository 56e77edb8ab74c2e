#include "app/config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace repram {
namespace {

std::string Error(std::map<std::string, std::string> s) {
  auto c = BuildConfig(s, ConfigProfile::kServer);
  return c.ok() ? "ok" : c.status().message();
}

TEST(BuildConfigTest, DefaultsFollowTheSpec) {
  auto c = BuildConfig({}, ConfigProfile::kServer);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->http_port, 8080);
  EXPECT_EQ(c->bind, "0.0.0.0");
  EXPECT_TRUE(c->public_network);
  EXPECT_EQ(c->default_ttl, 1800);
  EXPECT_EQ(c->min_ttl, 300);
  EXPECT_EQ(c->max_ttl, 86400);
  EXPECT_EQ(c->ping_interval, std::chrono::seconds(30));
  EXPECT_TRUE(c->node_id.starts_with("node-"));
}

TEST(BuildConfigTest, IoSpinDefaultsTo200MicrosecondsAndZeroTurnsItOff) {
  EXPECT_EQ(BuildConfig({}, ConfigProfile::kServer)->io_spin_us, 200);
  EXPECT_EQ(BuildConfig({{"REPRAM_IO_SPIN_US", "0"}}, ConfigProfile::kServer)->io_spin_us, 0);
  EXPECT_NE(Error({{"REPRAM_IO_SPIN_US", "-1"}}).find("REPRAM_IO_SPIN_US"), std::string::npos);
}

TEST(BuildConfigTest, EmbeddedProfileDefaults) {
  auto c = BuildConfig({}, ConfigProfile::kMcpEmbedded);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->http_port, 0);
  EXPECT_EQ(c->bind, "127.0.0.1");
  EXPECT_FALSE(c->public_network);
  EXPECT_EQ(c->max_storage_mb, 50);
  EXPECT_EQ(c->log_level, "warn");
}

TEST(BuildConfigTest, InvalidValuesNameTheVariable) {
  EXPECT_EQ(Error({{"REPRAM_HTTP_PORT", "abc"}}), R"(invalid REPRAM_HTTP_PORT: "abc")");
  EXPECT_EQ(Error({{"REPRAM_HTTP_PORT", "65536"}}), R"(invalid REPRAM_HTTP_PORT: "65536")");
  EXPECT_EQ(Error({{"REPRAM_WRITE_TIMEOUT", "61"}}), R"(invalid REPRAM_WRITE_TIMEOUT: "61")");
  EXPECT_EQ(Error({{"REPRAM_REPLICATION", "0"}}), R"(invalid REPRAM_REPLICATION: "0")");
  EXPECT_EQ(Error({{"REPRAM_NETWORK", "intranet"}}), R"(invalid REPRAM_NETWORK: "intranet")");
  EXPECT_EQ(Error({{"REPRAM_PEERS", "a:1,nope"}}), R"(invalid REPRAM_PEERS: "nope")");
  EXPECT_EQ(Error({{"REPRAM_PING_INTERVAL", "0"}}), R"(invalid REPRAM_PING_INTERVAL: "0")");
  EXPECT_EQ(Error({{"REPRAM_ISOLATION_MAX_BACKOFF", "29"}}),
            R"(invalid REPRAM_ISOLATION_MAX_BACKOFF: "29")");
  EXPECT_EQ(Error({{"REPRAM_BIND", "not-an-ip"}}), R"(invalid REPRAM_BIND: "not-an-ip")");
  EXPECT_EQ(Error({{"REPRAM_MAX_TTL", "2147483648"}}), R"(invalid REPRAM_MAX_TTL: "2147483648")");
}

TEST(BuildConfigTest, EmptyMeansUnset) {
  auto c = BuildConfig({{"REPRAM_HTTP_PORT", ""}}, ConfigProfile::kServer);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->http_port, 8080);
}

TEST(BuildConfigTest, MinAboveMaxRefusesToStart) {
  EXPECT_EQ(Error({{"REPRAM_MIN_TTL", "500"}, {"REPRAM_MAX_TTL", "400"}}),
            "REPRAM_MIN_TTL (500) is greater than REPRAM_MAX_TTL (400)");
}

TEST(BuildConfigTest, MinBelow300OnlyOnPrivateNetworks) {
  auto pub = BuildConfig({{"REPRAM_MIN_TTL", "1"}}, ConfigProfile::kServer);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->min_ttl, 300);
  EXPECT_EQ(pub->warnings.size(), 1u);
  auto priv =
      BuildConfig({{"REPRAM_MIN_TTL", "1"}, {"REPRAM_NETWORK", "private"}}, ConfigProfile::kServer);
  ASSERT_TRUE(priv.ok());
  EXPECT_EQ(priv->min_ttl, 1);
  // The 300 rule applies before the MIN > MAX check.
  EXPECT_EQ(Error({{"REPRAM_MIN_TTL", "1"}, {"REPRAM_MAX_TTL", "200"}}),
            "REPRAM_MIN_TTL (300) is greater than REPRAM_MAX_TTL (200)");
}

TEST(BuildConfigTest, FractionalIntervalsAndBooleans) {
  auto c = BuildConfig(
      {{"REPRAM_PING_INTERVAL", "0.25"}, {"REPRAM_TRUST_PROXY", "TRUE"}, {"REPRAM_MCP_HTTP", "no"}},
      ConfigProfile::kServer);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->ping_interval, std::chrono::milliseconds(250));
  EXPECT_TRUE(c->trust_proxy);
  EXPECT_FALSE(c->mcp_http);
}

TEST(BuildConfigTest, DashboardIsOnUnlessUiIsFalseInAnyCase) {
  auto on = BuildConfig({}, ConfigProfile::kServer);
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(on->ui);
  for (const char* off : {"false", "FALSE", "False"}) {
    auto c = BuildConfig({{"REPRAM_UI", off}}, ConfigProfile::kServer);
    ASSERT_TRUE(c.ok()) << off;
    EXPECT_FALSE(c->ui) << off;
  }
  auto kept = BuildConfig({{"REPRAM_UI", "True"}}, ConfigProfile::kServer);
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->ui);
}

TEST(BuildConfigTest, IgnoredUpstreamVariablesWarn) {
  auto c = BuildConfig({{"REPRAM_PORT", "1"}}, ConfigProfile::kServer);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("REPRAM_PORT"), std::string::npos);
}

TEST(BuildConfigTest, PeersAndDnsServersAreValidatedAndKeptTrimmed) {
  auto c = BuildConfig({{"REPRAM_PEERS", " node-1:8080 ,, [::1]:9000"},
                        {"REPRAM_DNS_SERVERS", "127.0.0.1:5353, [::1]:53"}},
                       ConfigProfile::kServer);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->peers, (std::vector<std::string>{"node-1:8080", "[::1]:9000"}));
  EXPECT_EQ(c->dns_servers, (std::vector<std::string>{"127.0.0.1:5353", "[::1]:53"}));
  // The host checks themselves are util/host_port_test.cc's (HostCheck::kValidated).
  for (const char* bad :
       {"host", "host:0", "host:65536", ":80", "::1:80", "[::1:80", "h:+80", "[zz]:80", "a b:80"}) {
    EXPECT_EQ(Error({{"REPRAM_PEERS", bad}}), fmt::format(R"(invalid REPRAM_PEERS: "{}")", bad));
    EXPECT_EQ(Error({{"REPRAM_DNS_SERVERS", bad}}),
              fmt::format(R"(invalid REPRAM_DNS_SERVERS: "{}")", bad));
  }
}

TEST(BuildConfigTest, AntiEntropyIntervalDefaultFractionAndOff) {
  auto defaults = BuildConfig({}, ConfigProfile::kServer);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->anti_entropy_interval, std::chrono::seconds(60));
  auto fraction = BuildConfig({{"REPRAM_ANTI_ENTROPY_INTERVAL", "1.5"}}, ConfigProfile::kServer);
  ASSERT_TRUE(fraction.ok());
  EXPECT_EQ(fraction->anti_entropy_interval, std::chrono::milliseconds(1500));
  auto off = BuildConfig({{"REPRAM_ANTI_ENTROPY_INTERVAL", "0"}}, ConfigProfile::kServer);
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->anti_entropy_interval, std::chrono::milliseconds(0));
  EXPECT_EQ(Error({{"REPRAM_ANTI_ENTROPY_INTERVAL", "-1"}}),
            R"(invalid REPRAM_ANTI_ENTROPY_INTERVAL: "-1")");
}

}  // namespace
}  // namespace repram
