#include "app/node_trust.h"

#include <gtest/gtest.h>

namespace repram {
namespace {

// The modes without omega. The omega mode needs a DNS server: tests/test_trust_dns.py.

// Builds the configuration as the node does, so REPRAM_PEERS entries are validated and trimmed.
Config MakeConfig(bool public_network, const std::vector<std::string>& peers) {
  std::string peers_csv;
  for (const std::string& p : peers) peers_csv += (peers_csv.empty() ? "" : ",") + p;
  Result<Config> c = BuildConfig({{"REPRAM_NETWORK", public_network ? "public" : "private"},
                                  {"REPRAM_ADDRESS", "127.0.0.1"},
                                  {"REPRAM_PEERS", peers_csv}},
                                 ConfigProfile::kServer);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(c).value() : Config{};
}

std::string Metrics(const NodeTrust& trust) {
  std::string out;
  PrometheusWriter w(out);
  trust.RenderMetrics(w);
  return out;
}

TEST(SeedSourceOfTest, PeersWinOverTheNetwork) {
  EXPECT_EQ(SeedSourceOf(MakeConfig(false, {})), SeedSource::kNone);
  EXPECT_EQ(SeedSourceOf(MakeConfig(true, {})), SeedSource::kOmega);
  EXPECT_EQ(SeedSourceOf(MakeConfig(false, {"10.0.0.1:8080"})), SeedSource::kPeers);
  EXPECT_EQ(SeedSourceOf(MakeConfig(true, {"10.0.0.1:8080"})), SeedSource::kPeers);
}

TEST(NodeTrustTest, PrivateWithoutPeersHasNoSeedsNoRecoveryNoGate) {
  const Config config = MakeConfig(false, {});
  NodeTrust trust(config);
  ASSERT_TRUE(trust.Establish(8080));
  EXPECT_TRUE(trust.StartupSeeds().empty());
  EXPECT_EQ(trust.recovery_seeds(), nullptr);
  cluster::ClusterHooks hooks;
  trust.AddHooks(hooks);
  EXPECT_FALSE(hooks.is_public_non_root);
  EXPECT_FALSE(hooks.request_omega_refresh);
}

TEST(NodeTrustTest, PrivatePeersSeedStartupAndRecoveryWithoutGate) {
  const Config config = MakeConfig(false, {"10.0.0.1:8080", " [::1]:9000"});
  NodeTrust trust(config);
  ASSERT_TRUE(trust.Establish(8080));
  const std::vector<std::string> want = {"10.0.0.1:8080", "[::1]:9000"};
  EXPECT_EQ(trust.StartupSeeds(), want);
  ASSERT_NE(trust.recovery_seeds(), nullptr);
  EXPECT_EQ(trust.recovery_seeds()->Seeds(), want);
  cluster::ClusterHooks hooks;
  trust.AddHooks(hooks);
  EXPECT_FALSE(hooks.is_public_non_root);
}

TEST(NodeTrustTest, PublicPeersAreNeverARootAndNeverRefresh) {
  const Config config = MakeConfig(true, {"10.0.0.1:8080"});
  NodeTrust trust(config);
  ASSERT_TRUE(trust.Establish(8080));  // no key check, no DNS (trust.md §9)
  EXPECT_EQ(trust.StartupSeeds(), std::vector<std::string>{"10.0.0.1:8080"});
  cluster::ClusterHooks hooks;
  trust.AddHooks(hooks);
  ASSERT_TRUE(hooks.is_public_non_root);
  EXPECT_TRUE(hooks.is_public_non_root());
  EXPECT_FALSE(hooks.request_omega_refresh);
  const std::string metrics = Metrics(trust);
  EXPECT_NE(metrics.find("\nrepram_omega_last_refresh_unix_seconds 0\n"), std::string::npos);
  EXPECT_NE(metrics.find("\nrepram_omega_root 0\n"), std::string::npos);
}

TEST(NodeTrustTest, PublicWithoutKeyFailsToEstablish) {
  const Config config = MakeConfig(true, {});  // REPRAM_OMEGA_PUBKEY unset: the placeholder
  NodeTrust trust(config);
  EXPECT_FALSE(trust.Establish(8080));
  EXPECT_TRUE(trust.StartupSeeds().empty());
  EXPECT_EQ(trust.recovery_seeds(), nullptr);
}

}  // namespace
}  // namespace repram
