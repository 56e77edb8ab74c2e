#include "cluster/testing/in_process_cluster.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace repram::cluster {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::InProcessCluster;

InProcessCluster::Options Opts(size_t nodes) {
  InProcessCluster::Options options;
  options.nodes = nodes;
  options.base.min_ttl = 60;
  return options;
}

// Writes key at node `at` and returns the quorum outcome once the cluster settled for 100 ms.
std::optional<bool> WriteAt(InProcessCluster& cluster, size_t at, const std::string& key) {
  std::optional<bool> outcome;
  EXPECT_TRUE(cluster.store(at).Put(key, "v-" + key, 600).ok());  // stored locally first
  cluster.node(at).ReplicateWrite(key, "v-" + key, 600, [&](bool q) { outcome = q; });
  cluster.RunFor(milliseconds(100));
  return outcome;
}

size_t Holders(InProcessCluster& cluster, const std::string& key) {
  size_t n = 0;
  for (size_t i = 0; i < cluster.size(); ++i) n += cluster.store(i).Get(key) ? 1 : 0;
  return n;
}

TEST(InProcessClusterTest, ThreeNodesFormAFullMeshAndReplicateWithQuorum) {
  InProcessCluster cluster(Opts(3));
  cluster.StartAll();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(cluster.node(i).PeerCount(), 2u) << i;
    EXPECT_EQ(cluster.node(i).Quorum(), 2);
  }
  for (size_t at = 0; at < 3; ++at) {
    const std::string key = fmt::format("key-{}", at);
    EXPECT_EQ(WriteAt(cluster, at, key), true);
    EXPECT_EQ(Holders(cluster, key), 3u);
    EXPECT_EQ(cluster.store((at + 1) % 3).Get(key)->ttl_seconds, 600);
  }
}

TEST(InProcessClusterTest, SignedClusterReplicates) {
  InProcessCluster::Options options = Opts(3);
  options.base.secret = "test-cluster-secret";
  InProcessCluster cluster(options);
  cluster.StartAll();
  EXPECT_EQ(cluster.node(2).PeerCount(), 2u);
  EXPECT_EQ(WriteAt(cluster, 2, "k"), true);
  EXPECT_EQ(Holders(cluster, "k"), 3u);
}

TEST(InProcessClusterTest, BatchingNodesReplicateThroughBatchesSignedOrNot) {
  for (const std::string secret : {"", "test-cluster-secret"}) {
    InProcessCluster::Options options = Opts(3);
    options.base.gossip_batch = true;
    options.base.secret = secret;
    InProcessCluster cluster(options);
    cluster.StartAll();
    std::vector<std::optional<bool>> outcomes(50);
    for (size_t i = 0; i < outcomes.size(); ++i) {  // all at once: they queue behind each other
      const std::string key = fmt::format("k-{}", i);
      ASSERT_TRUE(cluster.store(0).Put(key, "v", 600).ok());
      cluster.node(0).ReplicateWrite(key, "v", 600, [&outcomes, i](bool q) { outcomes[i] = q; });
    }
    cluster.RunFor(milliseconds(100));
    for (size_t i = 0; i < outcomes.size(); ++i) {
      EXPECT_EQ(outcomes[i], true) << i;
      EXPECT_EQ(Holders(cluster, fmt::format("k-{}", i)), 3u) << i;
    }
    const ClusterMetrics& origin = cluster.node(0).metrics();
    // The first PUT to each replica leaves alone, the other 49 in one batch behind it; the ACKs
    // come back in one batch per received batch.
    EXPECT_EQ(origin.batches_sent_total.load(), 4u) << secret;
    EXPECT_EQ(origin.batch_messages_sent_total.load(), 100u);
    EXPECT_EQ(origin.batches_received_total.load(), 4u);
    EXPECT_EQ(origin.batch_messages_received_total.load(), 100u);
    EXPECT_EQ(origin.send_failures_total.load(), 0u);
  }
}

TEST(InProcessClusterTest, ARestartedBatchingPeerIsProbedAgainAndReplicates) {
  InProcessCluster::Options options = Opts(3);
  options.base.gossip_batch = true;
  InProcessCluster cluster(options);
  cluster.StartAll();
  EXPECT_EQ(WriteAt(cluster, 0, "before"), true);
  cluster.Restart(2, "node-2-reborn", {cluster.Seed(0)});
  cluster.RunFor(seconds(30 * 5));
  const std::vector<NodeInfo> peers = cluster.node(0).Peers();
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(WriteAt(cluster, 0, "after"), true);
  EXPECT_EQ(Holders(cluster, "after"), 3u);
  EXPECT_EQ(cluster.node(0).BatchModeOf(peers[1]), BatchSender::Mode::kBatch);
  EXPECT_EQ(cluster.node(2).metrics().batches_received_total.load() > 0, true);
}

TEST(InProcessClusterTest, TwentyNodesWithFullFanoutDeliverEveryWriteEverywhere) {
  InProcessCluster cluster(Opts(20));
  cluster.StartAll();
  for (size_t i = 0; i < 20; ++i) ASSERT_EQ(cluster.node(i).PeerCount(), 19u) << i;
  for (int w = 0; w < 20; ++w) {
    const std::string key = fmt::format("k{}", w);
    EXPECT_EQ(WriteAt(cluster, static_cast<size_t>(w) % 20, key), true);
    EXPECT_EQ(Holders(cluster, key), 20u) << key;
  }
}

TEST(InProcessClusterTest, TwentyNodesSpreadWritesEpidemicallyAboveFullFanoutMax) {
  InProcessCluster::Options options = Opts(20);
  options.base.full_fanout_max = 4;
  InProcessCluster cluster(options);
  cluster.StartAll();
  size_t total = 0;
  for (int w = 0; w < 40; ++w) {
    const std::string key = fmt::format("k{}", w);
    EXPECT_EQ(WriteAt(cluster, static_cast<size_t>(w) % 20, key), true);
    const size_t holders = Holders(cluster, key);
    EXPECT_GE(holders, 15u) << key;  // probabilistic above F (cluster.md §9.2)
    total += holders;
  }
  EXPECT_GE(total, 40u * 19);                    // on average nearly everyone
  EXPECT_GT(cluster.Delivered("PUT"), 40u * 5);  // receivers forwarded (5 = ceil(sqrt(19)))
}

TEST(InProcessClusterTest, WriteWithoutReachablePeersTimesOutWithoutQuorum) {
  InProcessCluster cluster(Opts(3));
  cluster.StartAll();
  cluster.SetDown(1, true);
  cluster.SetDown(2, true);
  std::optional<bool> outcome;
  cluster.node(0).ReplicateWrite("k", "v", 600, [&](bool q) { outcome = q; });
  cluster.RunFor(seconds(5) - milliseconds(1));
  EXPECT_FALSE(outcome);
  cluster.RunFor(milliseconds(1));
  EXPECT_EQ(outcome, false);
}

TEST(InProcessClusterTest, IdleClusterSendsOnlyPingsAndPongs) {
  InProcessCluster cluster(Opts(5));
  cluster.StartAll();
  cluster.RunFor(seconds(30));  // settle into the rounds
  for (int interval = 0; interval < 4; ++interval) {
    cluster.ResetCounts();
    cluster.RunFor(seconds(30));
    EXPECT_EQ(cluster.Delivered("PING"), 5u * 4);
    EXPECT_EQ(cluster.Delivered("PONG"), 5u * 4);
    EXPECT_EQ(cluster.Delivered(), 5u * 4 * 2);
  }
}

TEST(InProcessClusterTest, TopologySyncBelowReplicationStaysBounded) {
  InProcessCluster::Options options = Opts(5);
  options.base.replication = 10;  // every node keeps sending direct SYNCs
  InProcessCluster cluster(options);
  cluster.StartAll();
  cluster.RunFor(seconds(30));
  for (int interval = 0; interval < 4; ++interval) {
    cluster.ResetCounts();
    cluster.RunFor(seconds(30));
    // Each node: 4 direct SYNCs out; each receiver answers each sender once with 3 entries.
    EXPECT_LE(cluster.Delivered("SYNC"), 5u * 4 + 5u * 4 * 3);
    EXPECT_LE(cluster.Delivered(), 5u * 4 * 2 + 5u * 4 + 5u * 4 * 3);
  }
}

TEST(InProcessClusterTest, DeadNodeIsEvictedAndQuorumShrinks) {
  InProcessCluster::Options options = Opts(4);
  options.base.replication = 5;
  InProcessCluster cluster(options);
  cluster.StartAll();
  ASSERT_EQ(cluster.node(0).Quorum(), 3);  // min(4, 5) / 2 + 1
  cluster.SetCut(3, true);
  cluster.RunFor(seconds(30 * 3));
  EXPECT_EQ(cluster.node(0).PeerCount(), 3u);  // two failed rounds so far
  cluster.RunFor(seconds(30));
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(cluster.node(i).PeerCount(), 2u) << i;
    EXPECT_EQ(cluster.node(i).Quorum(), 2) << i;  // min(3, 5) / 2 + 1
    EXPECT_EQ(cluster.node(i).metrics().peer_evictions_total, 1u) << i;
  }
  EXPECT_EQ(WriteAt(cluster, 0, "after"), true);
}

TEST(InProcessClusterTest, GhostOfARestartedNodeIsEvictedAndTheNewIdLearned) {
  InProcessCluster cluster(Opts(3));
  cluster.StartAll();
  cluster.RunFor(seconds(1));
  cluster.Restart(2, "node-2-reborn", {cluster.Seed(1)});
  cluster.RunFor(seconds(30 * 5));
  for (size_t i = 0; i < 2; ++i) {
    std::vector<std::string> ids;
    for (const NodeInfo& peer : cluster.node(i).Peers()) ids.push_back(peer.id);
    const std::vector<std::string> expected = {i == 0 ? "node-1" : "node-0", "node-2-reborn"};
    EXPECT_EQ(ids, expected) << i;
  }
  EXPECT_EQ(cluster.node(2).PeerCount(), 2u);
}

TEST(InProcessClusterTest, NatNodeKeepsItsPeersWhileTheyEvictIt) {
  InProcessCluster cluster(Opts(3));
  cluster.StartAll();
  cluster.SetDown(2, true);  // node 2 can still send but receives nothing
  cluster.RunFor(seconds(30 * 6));
  EXPECT_EQ(cluster.node(2).PeerCount(), 2u);
  EXPECT_EQ(cluster.node(2).metrics().ping_failures_total, 0u);
  EXPECT_EQ(cluster.node(2).metrics().peer_evictions_total, 0u);
  // The others cannot reach it and evict it; its own PINGs are direct evidence that re-add it.
  EXPECT_GE(cluster.node(0).metrics().peer_evictions_total, 1u);
}

TEST(InProcessClusterTest, IsolationRecoveryHappyPath) {
  InProcessCluster::Options options = Opts(3);
  options.recovery_seeds = true;
  InProcessCluster cluster(options);
  cluster.StartAll();
  cluster.Restart(2, "node-2", {});  // comes back with no startup seeds: isolated
  cluster.RunFor(milliseconds(10));
  ASSERT_EQ(cluster.node(2).PeerCount(), 0u);
  cluster.seeds(2).Set({cluster.Seed(0), cluster.Seed(1)});
  std::optional<bool> result;
  cluster.node(2).CheckIsolation([&](bool r) { result = r; });
  cluster.RunFor(milliseconds(10));
  EXPECT_EQ(result, true);
  EXPECT_GE(cluster.node(2).PeerCount(), 1u);
  EXPECT_EQ(cluster.node(2).metrics().isolation_recoveries_total, 1u);
  EXPECT_EQ(cluster.node(2).metrics().isolated, 0);
}

TEST(InProcessClusterTest, IsolatedNodeRejoinsThroughTheRecoveryLoop) {
  InProcessCluster::Options options = Opts(3);
  options.recovery_seeds = true;
  InProcessCluster cluster(options);
  cluster.StartAll();
  cluster.SetCut(2, true);
  cluster.RunFor(seconds(30 * 4));  // node 2 evicts both
  ASSERT_EQ(cluster.node(2).PeerCount(), 0u);
  EXPECT_EQ(cluster.node(2).metrics().isolated, 1);
  const uint64_t failures = cluster.node(2).metrics().isolation_recovery_failures_total;
  cluster.SetCut(2, false);
  cluster.RunFor(seconds(150));  // at most one backoff period (120 s + 20 % jitter)
  EXPECT_EQ(cluster.node(2).PeerCount(), 2u);
  EXPECT_EQ(cluster.node(2).metrics().isolation_recoveries_total, 1u);
  EXPECT_GE(cluster.node(2).metrics().isolation_recovery_failures_total, failures);
}

TEST(InProcessClusterTest, PublicUsesCurrentList) {
  InProcessCluster::Options options = Opts(3);
  options.recovery_seeds = true;
  InProcessCluster cluster(options);
  cluster.StartAll();
  cluster.Restart(2, "node-2", {});
  cluster.SetDown(0, true);  // the startup list (node 0) is dead now
  cluster.RunFor(milliseconds(10));
  cluster.seeds(2).Set({cluster.Seed(1)});  // the refresher's current list
  cluster.RunFor(seconds(30));
  std::vector<std::string> ids;
  for (const NodeInfo& peer : cluster.node(2).Peers()) ids.push_back(peer.id);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "node-1"), ids.end());
}

}  // namespace
}  // namespace repram::cluster
