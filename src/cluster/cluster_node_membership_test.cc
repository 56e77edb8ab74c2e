#include <gtest/gtest.h>

#include <set>

#include "cluster/cluster_node.h"
#include "cluster/testing/cluster_node_fixture.h"

namespace repram::cluster {
namespace {

using std::chrono::seconds;
using testing::FakeTransport;

// Ping rounds, eviction, quarantine and topology sync of one node; the peers are simulated by
// the FakeTransport responder (2xx or failure per host) and by PONGs the test injects.
class PingRoundTest : public testing::ClusterNodeFixture {
 protected:
  void SetUp() override {
    ClusterConfig config = DefaultConfig();
    config.replication = 2;  // no topology-sync traffic unless a test wants it
    MakeNode(config, ClusterHooks{.on_peer_evicted = [this](const NodeInfo& n) {
               evicted_.push_back(n.id);
             }});
    transport_.SetResponder([this](const OutboundRequest& req) {
      return FakeTransport::Answer(down_.contains(req.host.substr(5)) ? 0 : 200);
    });
    node_->Start();
  }

  // Advances to the next ping round; every peer in `pong` answers its PING with a PONG.
  void Round(const std::set<std::string>& pong = {}) {
    transport_.Clear();
    scheduler_.AdvanceBy(seconds(30));
    for (const std::string& id : pong) {
      SimpleMessage msg = Msg("PONG", id);
      msg.to = "self";
      msg.node_info = Peer(id);
      ASSERT_EQ(Gossip(msg).outcome, PeerOutcome::kAccepted);
    }
  }

  bool Knows(const std::string& id) {
    for (const NodeInfo& n : node_->Peers()) {
      if (n.id == id) return true;
    }
    return false;
  }

  std::set<std::string> down_;
  std::vector<std::string> evicted_;
};

TEST_F(PingRoundTest, PingsEveryPeerOfEveryEnclaveEachRound) {
  AddPeer("a");
  AddPeer("b", "other");
  Round();
  const std::vector<SimpleMessage> pings = transport_.messages("PING");
  ASSERT_EQ(pings.size(), 2u);
  std::set<std::string> to;
  for (const SimpleMessage& ping : pings) {
    EXPECT_EQ(ping.from, "self");
    EXPECT_FALSE(ping.node_info);
    to.insert(ping.to);
  }
  EXPECT_EQ(to, (std::set<std::string>{"a", "b"}));
}

TEST_F(PingRoundTest, UnreachablePeerIsEvictedAfterThreeFailedRounds) {
  AddPeer("dead");
  AddPeer("live");
  down_.insert("dead");
  Round({"live"});
  Round({"live"});
  Round({"live"});
  EXPECT_TRUE(Knows("dead"));
  Round({"live"});
  EXPECT_FALSE(Knows("dead"));
  EXPECT_EQ(evicted_, std::vector<std::string>{"dead"});
  EXPECT_EQ(node_->metrics().peer_evictions_total, 1u);
  EXPECT_EQ(node_->metrics().ping_failures_total, 3u);
  EXPECT_EQ(node_->metrics().peers_active, 1);
  EXPECT_EQ(transport_.messages("PING").size(), 1u);  // only "live" is pinged now
}

TEST_F(PingRoundTest, GhostThatAnswers2xxButNeverPongsIsEvictedAndSyncedDirectly) {
  AddPeer("ghost");  // its address now belongs to a restarted node with another id
  AddPeer("live");
  Round({"live"});
  Round({"live"});
  const std::vector<SimpleMessage> syncs = transport_.messages("SYNC");
  ASSERT_EQ(syncs.size(), 1u);
  EXPECT_EQ(transport_.requests()[0].host, "host-ghost");
  EXPECT_EQ(*syncs[0].node_info, node_->self());  // direct SYNC: node_info = self
  Round({"live"});
  Round({"live"});
  EXPECT_FALSE(Knows("ghost"));
  EXPECT_TRUE(Knows("live"));
  EXPECT_EQ(node_->Quorum(), 2);
}

TEST_F(PingRoundTest, NatNodeWithoutAnyPongKeepsPeersThatAnswer2xx) {
  AddPeer("a");
  AddPeer("b");
  for (int i = 0; i < 8; ++i) Round();
  EXPECT_EQ(node_->PeerCount(), 2u);
  EXPECT_EQ(node_->metrics().ping_failures_total, 0u);
  EXPECT_TRUE(transport_.messages("SYNC").empty());
}

TEST_F(PingRoundTest, PongResetsTheFailureCounter) {
  AddPeer("flaky");
  down_.insert("flaky");
  Round();
  Round();
  Round();  // two failures so far
  SimpleMessage pong = Msg("PONG", "flaky");
  ASSERT_EQ(Gossip(pong).outcome, PeerOutcome::kAccepted);
  Round();
  Round();
  EXPECT_TRUE(Knows("flaky"));
}

TEST_F(PingRoundTest, EvictedPeerIsQuarantinedAgainstPropagatedSync) {
  AddPeer("dead");
  down_.insert("dead");
  for (int i = 0; i < 4; ++i) Round();
  ASSERT_FALSE(Knows("dead"));
  AddPeer("dead");  // a slower survivor hands it back
  EXPECT_FALSE(Knows("dead"));
  Round();
  Round();
  AddPeer("dead");
  EXPECT_FALSE(Knows("dead"));
  Round();  // three rounds later the quarantine is over
  AddPeer("dead");
  EXPECT_TRUE(Knows("dead"));
  EXPECT_EQ(node_->metrics().peer_joins_total, 2u);
}

TEST_F(PingRoundTest, DirectSyncFromTheEvictedPeerReaddsItAtOnce) {
  AddPeer("dead");
  down_.insert("dead");
  for (int i = 0; i < 4; ++i) Round();
  SimpleMessage sync = Msg("SYNC", "dead");
  sync.node_info = Peer("dead");
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  EXPECT_TRUE(Knows("dead"));
}

TEST_F(PingRoundTest, PingFromTheEvictedPeerReaddsItAndIsAnswered) {
  AddPeer("dead");
  down_.insert("dead");
  for (int i = 0; i < 4; ++i) Round();
  down_.clear();
  transport_.Clear();
  ASSERT_EQ(Gossip(Msg("PING", "dead")).outcome, PeerOutcome::kAccepted);
  EXPECT_TRUE(Knows("dead"));
  EXPECT_EQ(transport_.messages("PONG").size(), 1u);
}

TEST_F(PingRoundTest, PongFromTheEvictedPeerReaddsIt) {
  AddPeer("dead");
  down_.insert("dead");
  for (int i = 0; i < 4; ++i) Round();
  SimpleMessage pong = Msg("PONG", "dead");
  pong.node_info = Peer("dead", "e2");
  ASSERT_EQ(Gossip(pong).outcome, PeerOutcome::kAccepted);
  ASSERT_TRUE(Knows("dead"));
  EXPECT_EQ(node_->Peers()[0].enclave, "e2");
}

TEST_F(PingRoundTest, EvictionForgetsTheSyncAnswerLimit) {
  AddPeer("b");
  SimpleMessage sync = Msg("SYNC", "a");
  sync.node_info = Peer("a");
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  down_.insert("a");
  for (int i = 0; i < 3; ++i) Round({"b"});  // "a" failed twice so far
  scheduler_.AdvanceBy(seconds(10));
  transport_.Clear();
  ASSERT_EQ(Gossip(sync).outcome,
            PeerOutcome::kAccepted);  // answered; "a" is rate limited for 30 s
  ASSERT_EQ(transport_.messages("SYNC").size(), 1u);
  scheduler_.AdvanceBy(seconds(20));  // the fourth round evicts "a"
  ASSERT_FALSE(Knows("a"));
  down_.clear();
  transport_.Clear();
  ASSERT_EQ(Gossip(sync).outcome,
            PeerOutcome::kAccepted);  // 20 s after the last answer, but a fresh sender
  EXPECT_TRUE(Knows("a"));
  EXPECT_EQ(transport_.messages("SYNC").size(), 1u);
}

class TopologySyncTest : public testing::ClusterNodeFixture {
 protected:
  void Start(int replication) {
    ClusterConfig config = DefaultConfig();
    config.replication = replication;
    MakeNode(config);
    node_->Start();
  }
  size_t DirectSyncsIn30s() {
    transport_.Clear();
    scheduler_.AdvanceBy(seconds(30));
    size_t n = 0;
    for (const SimpleMessage& sync : transport_.messages("SYNC")) {
      n += sync.node_info->id == "self" ? 1 : 0;
    }
    return n;
  }
};

TEST_F(TopologySyncTest, SendsDirectSyncToEveryPeerWhileBelowReplicationMinusOne) {
  Start(4);
  AddPeer("a");
  AddPeer("b", "other");  // all enclaves count
  EXPECT_EQ(DirectSyncsIn30s(), 2u);
  EXPECT_EQ(DirectSyncsIn30s(), 2u);
  AddPeer("c");
  EXPECT_EQ(DirectSyncsIn30s(), 0u);
}

TEST_F(TopologySyncTest, SendsNothingWithoutPeers) {
  Start(3);
  EXPECT_EQ(DirectSyncsIn30s(), 0u);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(TopologySyncTest, StopsAfterStop) {
  Start(4);
  AddPeer("a");
  node_->Stop();
  EXPECT_EQ(DirectSyncsIn30s(), 0u);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(TopologySyncTest, PeersAreSortedAndGaugesFollowMembership) {
  Start(3);
  AddPeer("c");
  AddPeer("a");
  AddPeer("b");
  std::vector<std::string> ids;
  for (const NodeInfo& n : node_->Peers()) ids.push_back(n.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(node_->PeerCount(), 3u);
  EXPECT_EQ(node_->metrics().peers_active, 3);
  EXPECT_EQ(node_->metrics().peer_joins_total, 3u);
  EXPECT_EQ(node_->metrics().isolated, 0);
}

}  // namespace
}  // namespace repram::cluster
