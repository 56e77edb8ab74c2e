#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <vector>

#include "cluster/cluster_node.h"
#include "cluster/testing/cluster_node_fixture.h"

namespace repram::cluster {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeTransport;

class ReplicationTest : public testing::ClusterNodeFixture {
 protected:
  void Make(int replication, size_t full_fanout_max = 32) {
    ClusterConfig config = DefaultConfig();
    config.replication = replication;
    config.full_fanout_max = full_fanout_max;
    MakeNode(config);
  }

  void AddPeers(int n, const std::string& prefix = "p", const std::string& enclave = "default") {
    for (int i = 0; i < n; ++i) AddPeer(prefix + std::to_string(i), enclave);
  }

  // Starts a write and returns where its outcome lands (unset while pending).
  std::shared_ptr<std::optional<bool>> Write(const std::string& key = "k") {
    auto outcome = std::make_shared<std::optional<bool>>();
    node_->ReplicateWrite(key, "v", 600, [outcome](bool quorum) { *outcome = quorum; });
    return outcome;
  }

  // Returns the message id of the last PUT sent.
  std::string LastPutId() { return transport_.messages("PUT").back().message_id; }

  void Ack(const std::string& from, const std::string& message_id) {
    SimpleMessage ack = Msg("ACK", from);
    ack.to = "self";
    ack.key = "k";
    ack.message_id = message_id;
    ASSERT_EQ(Gossip(ack).outcome, PeerOutcome::kAccepted);
  }
};

TEST_F(ReplicationTest, QuorumFollowsTheSpecTable) {
  Make(3);
  EXPECT_EQ(node_->Quorum(), 1);
  AddPeers(1);
  EXPECT_EQ(node_->Quorum(), 2);
  AddPeers(2, "q");
  EXPECT_EQ(node_->Quorum(), 2);
  Make(5);
  AddPeers(4);
  EXPECT_EQ(node_->Quorum(), 3);
  AddPeers(3, "other", "elsewhere");  // other enclaves never count
  EXPECT_EQ(node_->Quorum(), 3);
}

TEST_F(ReplicationTest, AloneTheWriteCompletesSynchronously) {
  Make(3);
  auto outcome = Write();
  EXPECT_EQ(*outcome, true);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(ReplicationTest, QuorumOneStillBroadcasts) {
  Make(1);
  AddPeers(2);
  transport_.Clear();
  auto outcome = Write();
  EXPECT_EQ(*outcome, true);
  EXPECT_EQ(transport_.messages("PUT").size(), 2u);  // D19
}

TEST_F(ReplicationTest, PutCarriesTheOriginatorFieldsAndFullFanoutHeader) {
  Make(3);
  AddPeers(3);
  AddPeers(2, "x", "elsewhere");
  transport_.Clear();
  node_->ReplicateWrite("key", std::string("\x00\xff", 2), 700, [](bool) {});
  const std::vector<OutboundRequest> sent = transport_.requests();
  ASSERT_EQ(sent.size(), 3u);
  std::set<std::string> hosts;
  for (const OutboundRequest& req : sent) {
    hosts.insert(req.host);
    EXPECT_EQ(req.path, "/v1/gossip/message");
    EXPECT_EQ(FakeTransport::Header(req, "X-Repram-Fanout"), "full");
    EXPECT_EQ(FakeTransport::Header(req, "Content-Type"), "application/json");
    Result<SimpleMessage> put = ParseMessage(req.body);
    ASSERT_TRUE(put.ok());
    EXPECT_EQ(put->type, "PUT");
    EXPECT_EQ(put->from, "self");
    EXPECT_EQ(put->to, "");
    EXPECT_EQ(put->key, "key");
    EXPECT_EQ(put->data, std::string("\x00\xff", 2));
    EXPECT_EQ(put->ttl, 700);
    EXPECT_FALSE(put->node_info);
    EXPECT_THAT(put->message_id, ::testing::MatchesRegex("self-[0-9]+-[0-9]+"));
    EXPECT_EQ(put->timestamp, 1772366400);
  }
  EXPECT_EQ(hosts, (std::set<std::string>{"host-p0", "host-p1", "host-p2"}));
}

TEST_F(ReplicationTest, TenPeersOrFewerAllGetTheWrite) {
  Make(3, /*full_fanout_max=*/10);
  AddPeers(10);
  transport_.Clear();
  Write();
  EXPECT_EQ(transport_.messages("PUT").size(), 10u);
}

TEST_F(ReplicationTest, AboveFullFanoutMaxSendsToSqrtRandomPeersWithoutHeader) {
  for (const auto& [peers, fanout] :
       std::vector<std::pair<int, size_t>>{{15, 4}, {25, 5}, {50, 8}, {100, 10}}) {
    SCOPED_TRACE(peers);
    Make(3, /*full_fanout_max=*/4);
    AddPeers(peers);
    std::set<std::string> reached;
    for (int round = 0; round < 30; ++round) {
      transport_.Clear();
      Write("k" + std::to_string(round));
      std::set<std::string> hosts;
      for (const OutboundRequest& req : transport_.requests()) {
        EXPECT_EQ(FakeTransport::Header(req, "X-Repram-Fanout"), "");
        hosts.insert(req.host);
      }
      EXPECT_EQ(hosts.size(), fanout);
      EXPECT_EQ(transport_.requests().size(), fanout);
      reached.insert(hosts.begin(), hosts.end());
    }
    EXPECT_GT(reached.size(), fanout);  // the choice is random, not fixed
  }
}

TEST_F(ReplicationTest, DefaultFullFanoutReachesThirtyTwoPeers) {
  Make(3);
  AddPeers(32);
  transport_.Clear();
  Write();
  EXPECT_EQ(transport_.messages("PUT").size(), 32u);
  AddPeers(1, "extra");
  transport_.Clear();
  Write("k2");
  EXPECT_EQ(transport_.messages("PUT").size(), 6u);  // ceil(sqrt(33))
}

TEST_F(ReplicationTest, CompletesAtQuorumWithDistinctAckers) {
  Make(5);
  AddPeers(4);
  auto outcome = Write();
  const std::string id = LastPutId();
  Ack("p0", id);
  Ack("p0", id);  // a repeated ACK counts once
  EXPECT_FALSE(*outcome);
  Ack("p1", id);
  EXPECT_EQ(*outcome, true);
  Ack("p2", id);  // late ACKs are ignored
  EXPECT_EQ(*outcome, true);
}

TEST_F(ReplicationTest, AckFromOurselvesDoesNotCount) {
  Make(3);
  AddPeers(2);
  auto outcome = Write();
  Ack("self", LastPutId());
  EXPECT_FALSE(*outcome);
}

TEST_F(ReplicationTest, AckFromAnyNodeCounts) {
  Make(3);
  AddPeers(2);
  auto outcome = Write();
  Ack("not-a-peer", LastPutId());
  EXPECT_EQ(*outcome, true);
}

TEST_F(ReplicationTest, QuorumIsRecomputedOnEachAck) {
  Make(5);
  AddPeers(1);  // quorum 2 when the write starts
  auto outcome = Write();
  const std::string id = LastPutId();
  AddPeers(3, "late");  // now 4 peers: quorum 3
  Ack("p0", id);
  EXPECT_FALSE(*outcome);
  Ack("late0", id);
  EXPECT_EQ(*outcome, true);
}

TEST_F(ReplicationTest, WithoutQuorumTheWriteTimesOutAfterWriteTimeout) {
  Make(3);
  AddPeers(2);
  auto outcome = Write();
  const std::string id = LastPutId();
  scheduler_.AdvanceBy(seconds(5) - milliseconds(1));
  EXPECT_FALSE(*outcome);
  scheduler_.AdvanceBy(milliseconds(1));
  EXPECT_EQ(*outcome, false);
  Ack("p0", id);  // too late
  EXPECT_EQ(*outcome, false);
}

TEST_F(ReplicationTest, EachWriteTimesOutAtItsOwnDeadline) {
  // One timer serves every write: it fires at the oldest deadline and re-arms for the next.
  Make(3);
  AddPeers(2);
  auto first = Write("a");
  scheduler_.AdvanceBy(seconds(2));
  auto second = Write("b");
  const std::string second_id = LastPutId();
  scheduler_.AdvanceBy(seconds(1));
  auto third = Write("c");
  const std::string third_id = LastPutId();
  Ack("p0", third_id);  // third reaches quorum; its deadline must not answer it again
  EXPECT_EQ(*third, true);
  scheduler_.AdvanceBy(seconds(2));  // t = 5: the first write's deadline
  EXPECT_EQ(*first, false);
  EXPECT_FALSE(*second);
  scheduler_.AdvanceBy(seconds(2) - milliseconds(1));
  EXPECT_FALSE(*second);
  scheduler_.AdvanceBy(milliseconds(1));  // t = 7: the second write's deadline
  EXPECT_EQ(*second, false);
  Ack("p0", second_id);  // too late
  EXPECT_EQ(*second, false);
  scheduler_.AdvanceBy(seconds(5));
  EXPECT_EQ(*third, true);
  EXPECT_EQ(scheduler_.pending(), 0u);  // no write waits: the timer is not re-armed
}

TEST_F(ReplicationTest, CongestedPeerHoldsTheAnswerUntilItsCopyIsSent) {
  Make(3);
  AddPeers(2);
  transport_.SetCongested(true);
  transport_.Hold(true);  // the PUTs stay in flight
  auto outcome = Write();
  Ack("p0", LastPutId());
  EXPECT_FALSE(*outcome);  // quorum reached, but both copies are still on their way
  transport_.ReleaseAt(0);
  EXPECT_FALSE(*outcome);
  transport_.ReleaseHeld();
  EXPECT_EQ(*outcome, true);
}

TEST_F(ReplicationTest, CongestionNeverHoldsPastTheWriteTimeout) {
  Make(3);
  AddPeers(2);
  transport_.SetCongested(true);
  transport_.Hold(true);
  auto with_quorum = Write("a");
  Ack("p0", LastPutId());
  auto without = Write("b");
  scheduler_.AdvanceBy(seconds(5));
  EXPECT_EQ(*with_quorum, true);  // 201: the quorum was there, only the pacing waited
  EXPECT_EQ(*without, false);     // 202
  transport_.ReleaseHeld();       // late sends change nothing
  EXPECT_EQ(*with_quorum, true);
  EXPECT_EQ(*without, false);
}

TEST_F(ReplicationTest, CongestionIsAskedWithoutTheClusterLock) {
  Make(3);
  AddPeers(2);
  // Another thread reads the cluster state while Congested() runs: that completes only if the
  // cluster's lock is free (the futures outlive the calls, so a held lock fails, not hangs).
  std::vector<std::future<size_t>> readers;
  int lock_free = 0;
  transport_.SetCongestedProbe([&] {
    readers.push_back(std::async(std::launch::async, [&] { return node_->PeerCount(); }));
    if (readers.back().wait_for(seconds(5)) == std::future_status::ready) ++lock_free;
  });
  transport_.SetCongested(true);
  Write();
  EXPECT_EQ(lock_free, 2);
}

TEST_F(ReplicationTest, StopWhileCongestionIsAskedAnswersWithoutQuorumAndSendsNothing) {
  Make(3);
  AddPeers(2);
  transport_.SetCongestedProbe([&] { node_->Stop(); });
  transport_.SetCongested(true);
  auto outcome = Write();
  EXPECT_EQ(*outcome, false);
  EXPECT_TRUE(transport_.messages("PUT").empty());
}

TEST_F(ReplicationTest, OwnWriteEchoedBackIsADuplicate) {
  Make(3);
  AddPeers(2);
  Write();
  SimpleMessage echo = transport_.messages("PUT").back();
  transport_.Clear();
  ASSERT_EQ(Gossip(echo).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(store_.puts(), 0);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(ReplicationTest, StopCompletesPendingWritesWithoutQuorumAndSilencesCallbacks) {
  Make(3);
  AddPeers(2);
  transport_.Hold(true);
  auto outcome = Write();
  EXPECT_FALSE(*outcome);
  node_->Stop();
  EXPECT_EQ(*outcome, false);
  EXPECT_EQ(transport_.ReleaseHeld(), 2u);  // completions after Stop run nothing
  uint64_t recorded = 0;
  for (const auto& bucket : node_->metrics().send_duration_buckets) recorded += bucket;
  EXPECT_EQ(recorded, 0u);
  auto after = Write("late");
  EXPECT_EQ(*after, false);
  scheduler_.AdvanceBy(seconds(60));
  EXPECT_EQ(transport_.messages("PUT").size(), 2u);
}

TEST_F(ReplicationTest, SendOutcomesFeedTheSendMetrics) {
  Make(3);
  AddPeers(2);
  transport_.SetResponder([](const OutboundRequest& req) {
    return FakeTransport::Answer(req.host == "host-p0" ? 500 : 200);
  });
  Write();
  const ClusterMetrics& m = node_->metrics();
  EXPECT_EQ(m.messages_sent[static_cast<int>(MessageType::kPut)], 2u);
  EXPECT_EQ(m.send_failures_total, 1u);
  uint64_t recorded = 0;
  for (const auto& bucket : m.send_duration_buckets) recorded += bucket;
  EXPECT_EQ(recorded, 2u);
}

TEST_F(ReplicationTest, SignsEveryPeerRequestWhenASecretIsSet) {
  ClusterConfig config = DefaultConfig();
  config.secret = "test-cluster-secret";
  MakeNode(config);
  AddPeers(2);
  transport_.Clear();
  Write();
  for (const OutboundRequest& req : transport_.requests()) {
    EXPECT_EQ(FakeTransport::Header(req, "X-Repram-Signature"),
              SignBody("test-cluster-secret", req.body));
  }
}

}  // namespace
}  // namespace repram::cluster
