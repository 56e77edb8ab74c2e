#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "cluster/cluster_node.h"
#include "cluster/testing/cluster_node_fixture.h"
#include "cluster/testing/vectors.h"

namespace repram::cluster {
namespace {

using testing::FakeTransport;
using testing::LoadVectors;

class GossipHandlerTest : public testing::ClusterNodeFixture {
 protected:
  void SetUp() override { MakeNode(); }

  // Returns the gossip messages sent to one peer id (by host).
  std::vector<SimpleMessage> SentTo(const std::string& id, const std::string& type = "") {
    std::vector<SimpleMessage> out;
    for (const OutboundRequest& req : transport_.requests()) {
      if (req.host != "host-" + id || req.path != kGossipPath) continue;
      Result<SimpleMessage> msg = ParseMessage(req.body);
      if (msg.ok() && (type.empty() || msg->type == type)) out.push_back(*msg);
    }
    return out;
  }

  SimpleMessage Put(const std::string& from, const std::string& key, int ttl = 600) {
    SimpleMessage put = Msg("PUT", from);
    put.key = key;
    put.data = "value-" + key;
    put.ttl = ttl;
    return put;
  }
};

TEST_F(GossipHandlerTest, EveryVectorMessageIsAccepted) {
  const nlohmann::json file = LoadVectors("gossip-messages.json");
  for (const auto& v : file.at("messages")) {
    const PeerReply reply = node_->HandleGossip(v.at("body").get<std::string>(), "", false);
    EXPECT_EQ(reply.outcome, PeerOutcome::kAccepted) << v.at("id");
  }
}

// The exact wire answers of these vectors are checked in app/peer_wire_test.cc.
TEST_F(GossipHandlerTest, InvalidAndEdgeVectorsAreRefusedWithoutStoring) {
  const nlohmann::json file = LoadVectors("gossip-messages.json");
  for (const auto& v : file.at("invalid_or_edge")) {
    const std::string id = v.at("id");
    SCOPED_TRACE(id);
    if (id == "PUT_DUPLICATE") {
      ASSERT_EQ(file.at("messages").at(1).at("id"), "PUT_BINARY");
      const PeerReply first = node_->HandleGossip(
          file.at("messages").at(1).at("body").get<std::string>(), "", false);  // precondition
      ASSERT_EQ(first.outcome, PeerOutcome::kAccepted);
    }
    const int puts_before = store_.puts();
    const PeerReply reply = node_->HandleGossip(v.at("body").get<std::string>(), "", false);
    EXPECT_EQ(reply.ok(), v.at("expect_status").get<int>() == 200);
    if (!reply.ok() || id == "PUT_DUPLICATE") {
      EXPECT_EQ(store_.puts(), puts_before);
    }
  }
  EXPECT_EQ(store_.Get("k0")->ttl_seconds, 300);    // PUT_TTL_ABSENT -> MIN
  EXPECT_EQ(store_.Get("k1")->ttl_seconds, 86400);  // PUT_TTL_HUGE -> MAX
  EXPECT_EQ(store_.Get("empty")->value, "");        // PUT_DATA_ABSENT
  EXPECT_FALSE(store_.Get("a/b"));
}

TEST_F(GossipHandlerTest, HmacReceiverChecksFromVectors) {
  const nlohmann::json file = LoadVectors("hmac.json");
  std::map<std::string, std::string> bodies;
  for (const auto& v : file.at("vectors")) bodies[v.at("id")] = v.at("body");
  for (const auto& check : file.at("receiver_checks")) {
    SCOPED_TRACE(check.at("case").get<std::string>());
    ClusterConfig config = DefaultConfig();
    config.secret = check.at("secret");
    MakeNode(config);
    const std::string body = check.contains("body") ? check.at("body").get<std::string>()
                                                    : bodies.at(check.at("body_ref"));
    const std::string header =
        check.at("header").is_null() ? "" : check.at("header").get<std::string>();
    const PeerReply reply = node_->HandleGossip(body, header, false);
    EXPECT_EQ(reply.ok(), check.at("expect_status").get<int>() == 200);
  }
}

TEST_F(GossipHandlerTest, SignatureIsCheckedBeforeParsing) {
  ClusterConfig config = DefaultConfig();
  config.secret = "s";
  MakeNode(config);
  EXPECT_EQ(node_->HandleGossip("not json", "", false).outcome, PeerOutcome::kMissingSignature);
  EXPECT_EQ(node_->HandleGossip("not json", SignBody("s", "not json"), false).outcome,
            PeerOutcome::kInvalidJson);
}

TEST_F(GossipHandlerTest, PutStoresClampedTtlAndAcksAKnownOriginator) {
  AddPeer("origin");
  transport_.Clear();
  SimpleMessage put = Put("origin", "k", 60);
  ASSERT_EQ(Gossip(put).outcome, PeerOutcome::kAccepted);
  ASSERT_TRUE(store_.Get("k"));
  EXPECT_EQ(store_.Get("k")->value, "value-k");
  EXPECT_EQ(store_.Get("k")->ttl_seconds, 300);
  const std::vector<SimpleMessage> acks = SentTo("origin", "ACK");
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].from, "self");
  EXPECT_EQ(acks[0].to, "origin");
  EXPECT_EQ(acks[0].key, "k");
  EXPECT_EQ(acks[0].message_id, put.message_id);
  EXPECT_EQ(acks[0].data, "");
  EXPECT_FALSE(acks[0].node_info);
  EXPECT_EQ(transport_.requests().size(), 1u);  // no forward with 1 peer
}

TEST_F(GossipHandlerTest, PutFromUnknownOriginatorIsStoredWithoutAck) {
  ASSERT_EQ(Gossip(Put("stranger", "k")).outcome, PeerOutcome::kAccepted);
  EXPECT_TRUE(store_.Get("k"));
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(GossipHandlerTest, DuplicatePutIsNotStoredAckedOrForwarded) {
  AddPeer("origin");
  SimpleMessage put = Put("origin", "k");
  ASSERT_EQ(Gossip(put).outcome, PeerOutcome::kAccepted);
  transport_.Clear();
  put.data = "other";
  EXPECT_EQ(Gossip(put).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(store_.Get("k")->value, "value-k");
  EXPECT_TRUE(transport_.requests().empty());
  EXPECT_EQ(store_.puts(), 1);
}

TEST_F(GossipHandlerTest, TtlIsClampedIntoMinMax) {
  ClusterConfig config = DefaultConfig();
  config.min_ttl = 10;
  config.max_ttl = 1000;
  MakeNode(config);
  const std::vector<std::pair<int, int64_t>> cases = {
      {0, 10}, {-5, 10}, {5, 10}, {10, 10}, {500, 500}, {1000, 1000}, {2147483647, 1000}};
  for (const auto& [ttl, stored] : cases) {
    const std::string key = "k" + std::to_string(ttl);
    ASSERT_EQ(Gossip(Put("o", key, ttl)).outcome, PeerOutcome::kAccepted);
    EXPECT_EQ(store_.Get(key)->ttl_seconds, stored) << ttl;
  }
}

TEST_F(GossipHandlerTest, StoreFullAnswers500WithCapacityTextAndNoAck) {
  AddPeer("origin");
  transport_.Clear();
  store_.FailWith(Status(StatusCode::kFull, "whatever"));
  const PeerReply reply = Gossip(Put("origin", "k"));
  EXPECT_EQ(reply.outcome, PeerOutcome::kStoreFailed);
  EXPECT_EQ(reply.detail, "node storage capacity exceeded");
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(GossipHandlerTest, OtherStoreFailuresCarryTheReason) {
  store_.FailWith(Status(StatusCode::kInternal, "disk on fire"));
  EXPECT_EQ(Gossip(Put("o", "k")).detail, "disk on fire");
}

TEST_F(GossipHandlerTest, ReceiverWithTenPeersDoesNotForward) {
  for (int i = 0; i < 10; ++i) AddPeer("p" + std::to_string(i));
  transport_.Clear();
  ASSERT_EQ(Gossip(Put("p0", "k")).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(transport_.messages("PUT").size(), 0u);
}

TEST_F(GossipHandlerTest, ReceiverAboveTenPeersForwardsToSqrtExcludingTheOriginator) {
  for (const auto& [peers, fanout] :
       std::vector<std::pair<int, size_t>>{{11, 4}, {15, 4}, {25, 5}, {50, 8}, {100, 10}}) {
    SCOPED_TRACE(peers);
    MakeNode();
    for (int i = 0; i < peers; ++i) AddPeer("p" + std::to_string(i));
    AddPeer("elsewhere", "other-enclave");
    for (int round = 0; round < 20; ++round) {
      transport_.Clear();
      SimpleMessage put = Put("p0", "k");
      ASSERT_EQ(Gossip(put).outcome, PeerOutcome::kAccepted);
      std::set<std::string> hosts;
      for (const OutboundRequest& req : transport_.requests()) {
        Result<SimpleMessage> msg = ParseMessage(req.body);
        if (msg->type != "PUT") continue;
        hosts.insert(req.host);
        EXPECT_EQ(msg->from, "p0");  // the originator stays in `from`
        EXPECT_EQ(msg->message_id, put.message_id);
        EXPECT_EQ(FakeTransport::Header(req, "X-Repram-Fanout"), "");
      }
      EXPECT_EQ(hosts.size(), fanout);
      EXPECT_FALSE(hosts.contains("host-p0"));
      EXPECT_FALSE(hosts.contains("host-elsewhere"));
    }
    EXPECT_EQ(node_->metrics().forwards_total.load(), 20 * fanout);
  }
}

TEST_F(GossipHandlerTest, ReceiverDoesNotForwardAFullFanoutPut) {
  for (int i = 0; i < 20; ++i) AddPeer("p" + std::to_string(i));
  transport_.Clear();
  ASSERT_EQ(Gossip(Put("p0", "k"), /*fanout_full=*/true).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(transport_.messages("PUT").size(), 0u);
  EXPECT_EQ(transport_.messages("ACK").size(), 1u);
  EXPECT_EQ(node_->metrics().forwards_total.load(), 0u);
}

TEST_F(GossipHandlerTest, PingFromKnownPeerIsAnsweredWithPong) {
  AddPeer("a");
  transport_.Clear();
  SimpleMessage ping = Msg("PING", "a");
  ping.to = "self";
  ASSERT_EQ(Gossip(ping).outcome, PeerOutcome::kAccepted);
  const std::vector<SimpleMessage> pongs = SentTo("a", "PONG");
  ASSERT_EQ(pongs.size(), 1u);
  EXPECT_EQ(pongs[0].from, "self");
  EXPECT_EQ(pongs[0].to, "a");
  EXPECT_NE(pongs[0].message_id, ping.message_id);
  EXPECT_TRUE(pongs[0].message_id.starts_with("self-"));
  ASSERT_TRUE(pongs[0].node_info);
  EXPECT_EQ(*pongs[0].node_info, node_->self());
}

TEST_F(GossipHandlerTest, PingFromUnknownNodeGetsNoPong) {
  ASSERT_EQ(Gossip(Msg("PING", "stranger")).outcome, PeerOutcome::kAccepted);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(GossipHandlerTest, PongUpdatesTheEnclaveOfAKnownPeer) {
  AddPeer("a");
  SimpleMessage pong = Msg("PONG", "a");
  pong.node_info = Peer("a", "e2");
  ASSERT_EQ(Gossip(pong).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(node_->Peers()[0].enclave, "e2");
  SimpleMessage stranger = Msg("PONG", "stranger");
  stranger.node_info = Peer("stranger");
  ASSERT_EQ(Gossip(stranger).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(node_->PeerCount(), 1u);
}

TEST_F(GossipHandlerTest, SyncWithoutNodeInfoOrAboutUsIsIgnored) {
  std::string null_node_info;
  const nlohmann::json file = LoadVectors("gossip-messages.json");
  for (const auto& v : file.at("invalid_or_edge")) {
    if (v.at("id") == "NODE_INFO_NULL_SYNC") null_node_info = v.at("body");
  }
  ASSERT_FALSE(null_node_info.empty());
  ASSERT_EQ(node_->HandleGossip(null_node_info, "", false).outcome, PeerOutcome::kAccepted);
  SimpleMessage about_us = Msg("SYNC", "a");
  about_us.node_info = node_->self();
  about_us.node_info->address = "elsewhere";
  ASSERT_EQ(Gossip(about_us).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(node_->PeerCount(), 0u);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(GossipHandlerTest, PropagatedSyncAddsThePeerAndIsNeverAnswered) {
  AddPeer("a");
  SimpleMessage sync = Msg("SYNC", "a");
  sync.node_info = Peer("c");
  transport_.Clear();
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(node_->PeerCount(), 2u);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(GossipHandlerTest, DirectSyncIsAnsweredWithEveryOtherPeerButNotUs) {
  AddPeer("b");
  AddPeer("c", "other");
  transport_.Clear();
  SimpleMessage sync = Msg("SYNC", "a");
  sync.node_info = Peer("a");
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(node_->PeerCount(), 3u);
  const std::vector<SimpleMessage> answers = SentTo("a", "SYNC");
  ASSERT_EQ(answers.size(), 2u);  // one POST per entry: b and c (all enclaves), no self
  std::set<std::string> named;
  for (const SimpleMessage& answer : answers) {
    EXPECT_EQ(answer.from, "self");
    EXPECT_EQ(answer.to, "");
    named.insert(answer.node_info->id);
  }
  EXPECT_EQ(named, (std::set<std::string>{"b", "c"}));
  EXPECT_EQ(transport_.requests().size(), 2u);
}

TEST_F(GossipHandlerTest, DirectSyncIsAnsweredOncePerSenderPerInterval) {
  AddPeer("b");
  SimpleMessage sync = Msg("SYNC", "a");
  sync.node_info = Peer("a");
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  transport_.Clear();
  scheduler_.AdvanceBy(std::chrono::seconds(29));
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  EXPECT_TRUE(transport_.requests().empty());
  scheduler_.AdvanceBy(std::chrono::seconds(1));
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(SentTo("a", "SYNC").size(), 1u);
}

TEST_F(GossipHandlerTest, SyncChangesOnlyTheEnclaveOfAKnownPeer) {
  AddPeer("a");
  SimpleMessage sync = Msg("SYNC", "x");
  sync.node_info =
      NodeInfo{.id = "a", .address = "moved", .gossip_port = 1, .http_port = 2, .enclave = "e2"};
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  const NodeInfo a = node_->Peers()[0];
  EXPECT_EQ(a.address, "host-a");
  EXPECT_EQ(a.http_port, 8080);
  EXPECT_EQ(a.enclave, "e2");
}

TEST_F(GossipHandlerTest, InvalidSyncNodeIsIgnored) {
  SimpleMessage sync = Msg("SYNC", "a");
  sync.node_info = NodeInfo{.id = "a", .address = "h", .gossip_port = 1, .http_port = 0};
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(node_->PeerCount(), 0u);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(GossipHandlerTest, CountsReceivedMessagesByType) {
  AddPeer("a");
  Gossip(Msg("PING", "a"));
  Gossip(Msg("PING", "a"));
  Gossip(Msg("FOO", "a"));
  EXPECT_EQ(node_->metrics().messages_received[static_cast<int>(MessageType::kPing)], 2u);
  EXPECT_EQ(node_->metrics().messages_received[static_cast<int>(MessageType::kSync)], 1u);
  EXPECT_EQ(node_->metrics().messages_sent[static_cast<int>(MessageType::kPong)], 2u);
}

// Records what the cluster hands to the WS tree seam.
class FakeRelay final : public WsRelay {
 public:
  bool SendAck(const SimpleMessage& ack) override {
    acks.push_back(ack);
    return ack.to == parent;
  }
  bool RouteAck(const SimpleMessage& ack) override {
    routed.push_back(ack);
    return true;
  }
  void PushToChildren(const SimpleMessage& put) override { pushed.push_back(put); }
  std::optional<std::string> AttachedParent() override {
    return parent.empty() ? std::nullopt : std::optional<std::string>(parent);
  }
  bool SendToParent(const SimpleMessage& put) override {
    to_parent.push_back(put);
    return !parent.empty() && !link_congested;
  }

  std::string parent;
  bool link_congested = false;  // SendToParent refuses, as over a congested link
  std::vector<SimpleMessage> acks;
  std::vector<SimpleMessage> routed;
  std::vector<SimpleMessage> pushed;
  std::vector<SimpleMessage> to_parent;
};

TEST_F(GossipHandlerTest, AckGoesOverTheTreeWhenTheOriginatorIsTheParent) {
  FakeRelay relay;
  relay.parent = "parent";
  MakeNode(DefaultConfig(), {}, nullptr, &relay);
  AddPeer("parent");
  transport_.Clear();
  ASSERT_EQ(Gossip(Put("parent", "k")).outcome, PeerOutcome::kAccepted);
  ASSERT_EQ(relay.acks.size(), 1u);
  EXPECT_TRUE(transport_.requests().empty());  // not also over HTTP
  ASSERT_EQ(relay.pushed.size(), 1u);
  EXPECT_EQ(relay.pushed[0].from, "parent");
  ASSERT_EQ(Gossip(Put("other", "k2")).outcome,
            PeerOutcome::kAccepted);  // not the parent, not a peer: dropped
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(GossipHandlerTest, AckForAnUnknownWriteIsRoutedThroughTheTree) {
  FakeRelay relay;
  MakeNode(DefaultConfig(), {}, nullptr, &relay);
  SimpleMessage ack = Msg("ACK", "mesh-node");
  ack.message_id = "child-write-1";
  ASSERT_EQ(Gossip(ack).outcome, PeerOutcome::kAccepted);
  ASSERT_EQ(relay.routed.size(), 1u);
  EXPECT_EQ(relay.routed[0].message_id, "child-write-1");
}

TEST_F(GossipHandlerTest,
       AttachedTransientWritesToItsParentFirstAndBackfillsOverHttpOneSecondLater) {
  FakeRelay relay;
  relay.parent = "parent";
  MakeNode(DefaultConfig(), {}, nullptr, &relay);
  AddPeer("parent");
  AddPeer("other");
  transport_.Clear();
  bool answered = false;
  node_->ReplicateWrite("k", "v", 600, [&](bool) { answered = true; });
  ASSERT_EQ(relay.to_parent.size(), 1u);
  EXPECT_EQ(relay.to_parent[0].key, "k");
  EXPECT_EQ(relay.to_parent[0].from, node_->self().id);
  EXPECT_TRUE(transport_.requests().empty());  // the HTTP copy waits
  scheduler_.AdvanceBy(std::chrono::milliseconds(999));
  EXPECT_TRUE(transport_.requests().empty());
  scheduler_.AdvanceBy(std::chrono::milliseconds(1));
  ASSERT_EQ(SentTo("other", "PUT").size(), 1u);
  EXPECT_EQ(SentTo("other", "PUT")[0].message_id, relay.to_parent[0].message_id);
  EXPECT_TRUE(SentTo("parent").empty());
  // The parent's ACK (over WS) completes the write: quorum 2 of {self, parent, other}.
  SimpleMessage ack = Msg("ACK", "parent");
  ack.message_id = relay.to_parent[0].message_id;
  node_->HandleMessage(ack, false);
  EXPECT_TRUE(answered);
}

TEST_F(GossipHandlerTest, AttachedTransientWriteWaitsForItsCopyToACongestedPeer) {
  FakeRelay relay;
  relay.parent = "parent";
  MakeNode(DefaultConfig(), {}, nullptr, &relay);
  AddPeer("parent");
  AddPeer("other");
  transport_.Clear();
  transport_.SetCongested(true);
  transport_.Hold(true);
  std::optional<bool> quorum;
  node_->ReplicateWrite("k", "v", 600, [&](bool q) { quorum = q; });
  ASSERT_EQ(SentTo("other", "PUT").size(), 1u);  // at once: no backfill delay when congested
  EXPECT_TRUE(SentTo("parent").empty());
  SimpleMessage ack = Msg("ACK", "parent");
  ack.message_id = relay.to_parent[0].message_id;
  node_->HandleMessage(ack, false);
  EXPECT_FALSE(quorum.has_value());  // quorum reached, the congested copy still in flight
  transport_.ReleaseHeld();
  EXPECT_EQ(quorum, true);
}

TEST_F(GossipHandlerTest, DetachedNodeBroadcastsAtOnceAndPushesItsOwnWritesToChildren) {
  FakeRelay relay;
  MakeNode(DefaultConfig(), {}, nullptr, &relay);
  AddPeer("a");
  transport_.Clear();
  node_->ReplicateWrite("k", "v", 600, [](bool) {});
  EXPECT_TRUE(relay.to_parent.empty());
  EXPECT_EQ(SentTo("a", "PUT").size(), 1u);
  ASSERT_EQ(relay.pushed.size(), 1u);  // cluster.md §9.1 (amended): our own children too
  EXPECT_EQ(relay.pushed[0].from, node_->self().id);
}

TEST_F(GossipHandlerTest, LoneSubstrateStillPushesClientWritesToChildren) {
  FakeRelay relay;
  MakeNode(DefaultConfig(), {}, nullptr, &relay);
  bool quorum = false;
  node_->ReplicateWrite("k", "v", 600, [&](bool q) { quorum = q; });
  EXPECT_TRUE(quorum);
  ASSERT_EQ(relay.pushed.size(), 1u);
  EXPECT_EQ(relay.pushed[0].data, "v");
}

TEST_F(GossipHandlerTest, RelayedChildPutIsStoredOnceAndSentToTheMeshFromUs) {
  FakeRelay relay;
  MakeNode(DefaultConfig(), {}, nullptr, &relay);
  AddPeer("a");
  AddPeer("b");
  transport_.Clear();
  const SimpleMessage put = Put("kid", "k");
  EXPECT_EQ(node_->RelayChildPut(put).outcome, ClusterNode::RelayOutcome::kStored);
  EXPECT_EQ(store_.Get("k")->value, "value-k");
  for (const char* peer : {"a", "b"}) {
    const std::vector<SimpleMessage> sent = SentTo(peer, "PUT");
    ASSERT_EQ(sent.size(), 1u) << peer;
    EXPECT_EQ(sent[0].from, node_->self().id);  // rewritten
    EXPECT_EQ(sent[0].message_id, put.message_id);
    EXPECT_EQ(sent[0].key, "k");
  }
  EXPECT_EQ(node_->RelayChildPut(put).outcome, ClusterNode::RelayOutcome::kDuplicate);
  SimpleMessage bad = Put("kid", "a/b");
  EXPECT_EQ(node_->RelayChildPut(bad).outcome, ClusterNode::RelayOutcome::kInvalid);
  EXPECT_EQ(transport_.requests().size(), 2u);
}

TEST_F(GossipHandlerTest, RelayReportsWhenEveryMeshSendFinishedAndWhetherTheMeshIsCongested) {
  FakeRelay relay;
  MakeNode(DefaultConfig(), {}, nullptr, &relay);
  AddPeer("a");
  AddPeer("b");
  transport_.Clear();
  transport_.Hold(true);
  int sent = 0;
  const auto count = [&] { ++sent; };
  ClusterNode::RelayResult result = node_->RelayChildPut(Put("kid", "k1"), count);
  EXPECT_EQ(result.outcome, ClusterNode::RelayOutcome::kStored);
  EXPECT_FALSE(result.congested);
  transport_.ReleaseAt(0);
  EXPECT_EQ(sent, 0);  // one of two sends still in flight
  transport_.ReleaseHeld();
  EXPECT_EQ(sent, 1);
  transport_.SetCongested(true);
  const SimpleMessage second = Put("kid", "k2");
  result = node_->RelayChildPut(second, count);
  EXPECT_TRUE(result.congested);
  transport_.ReleaseHeld();
  EXPECT_EQ(sent, 2);
  // Nothing sent (a duplicate): reported at once.
  result = node_->RelayChildPut(second, count);
  EXPECT_EQ(result.outcome, ClusterNode::RelayOutcome::kDuplicate);
  EXPECT_EQ(sent, 3);
}

TEST_F(GossipHandlerTest, AWriteGoesOverHttpToTheParentTooWhenItsLinkIsCongested) {
  FakeRelay relay;
  relay.parent = "parent";
  relay.link_congested = true;
  MakeNode(DefaultConfig(), {}, nullptr, &relay);
  AddPeer("parent");
  AddPeer("other");
  transport_.Clear();
  node_->ReplicateWrite("k", "v", 600, [](bool) {});
  ASSERT_EQ(SentTo("parent", "PUT").size(), 1u);  // at once, not 1 s later
  ASSERT_EQ(SentTo("other", "PUT").size(), 1u);
  EXPECT_EQ(SentTo("parent", "PUT")[0].from, node_->self().id);
}

TEST_F(GossipHandlerTest, TopologySyncOverWsAddsThePeerWithoutAnswering) {
  SimpleMessage sync = Msg("SYNC", "sub");
  sync.node_info = NodeInfo{"sub", "host-sub", 9090, 8080, "default"};
  node_->ApplyTopologySync(sync);
  EXPECT_EQ(node_->PeerCount(), 1u);
  EXPECT_TRUE(transport_.requests().empty());
}

}  // namespace
}  // namespace repram::cluster
