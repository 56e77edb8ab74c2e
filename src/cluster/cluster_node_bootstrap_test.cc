#include <gtest/gtest.h>

#include "cluster/bootstrap_codec.h"
#include "cluster/cluster_node.h"
#include "cluster/testing/cluster_node_fixture.h"
#include "cluster/testing/vectors.h"

namespace repram::cluster {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeTransport;
using testing::LoadVectors;

// The seed "seed-1" at 10.0.0.9:8080 of the bootstrap.json SPEC_REQUEST example.
class BootstrapSeedTest : public testing::ClusterNodeFixture {
 protected:
  void SetUp() override { MakeSeed(""); }

  void MakeSeed(const std::string& secret, ClusterHooks hooks = {}) {
    ClusterConfig config = DefaultConfig();
    config.node_id = "seed-1";
    config.address = "10.0.0.9";
    config.secret = secret;
    MakeNode(config, std::move(hooks));
  }

  PeerReply Bootstrap(const std::string& body) {
    return node_->HandleBootstrap(body, secret_.empty() ? "" : SignBody(secret_, body));
  }

  void KnowNode1() {
    SimpleMessage sync = Msg("SYNC", "someone");
    sync.node_info =
        NodeInfo{.id = "node-1", .address = "10.0.0.1", .gossip_port = 9090, .http_port = 8080};
    ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
    transport_.Clear();
  }

  const nlohmann::json vectors_ = LoadVectors("bootstrap.json");
};

TEST_F(BootstrapSeedTest, AnswersTheSpecRequestExactlyAndNotifiesOtherPeers) {
  const nlohmann::json& example = vectors_.at("examples").at(0);
  MakeSeed(example.at("secret"));
  KnowNode1();
  const PeerReply reply =
      node_->HandleBootstrap(example.at("request_body").get<std::string>(),
                             example.at("x_repram_signature").get<std::string>());
  EXPECT_EQ(reply.outcome, PeerOutcome::kDocument);
  EXPECT_EQ(reply.detail, example.at("response_body").get<std::string>());

  // The propagated SYNC about the joiner goes to node-1 only, signed.
  const std::vector<OutboundRequest> sent = transport_.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].host, "10.0.0.1");
  EXPECT_EQ(FakeTransport::Header(sent[0], "X-Repram-Signature"),
            SignBody(example.at("secret").get<std::string>(), sent[0].body));
  Result<SimpleMessage> sync = ParseMessage(sent[0].body);
  Result<SimpleMessage> expected =
      ParseMessage(vectors_.at("seed_side_effects").at("example_sync_body").get<std::string>());
  ASSERT_TRUE(sync.ok());
  EXPECT_EQ(sync->type, expected->type);
  EXPECT_EQ(sync->from, expected->from);
  EXPECT_EQ(sync->to, "");
  EXPECT_EQ(sync->node_info, expected->node_info);
  EXPECT_TRUE(sync->message_id.starts_with("seed-1-"));
  EXPECT_EQ(node_->metrics().peer_joins_total, 2u);
}

TEST_F(BootstrapSeedTest, AcceptsTheUpstreamTsJoinerCapture) {
  const nlohmann::json& example = vectors_.at("examples").at(1);
  MakeSeed(example.at("secret"));
  const PeerReply reply = node_->HandleBootstrap(
      example.at("request_body").get<std::string>(),
      example.at("request_headers").at("X-Repram-Signature").get<std::string>());
  EXPECT_EQ(reply.outcome, PeerOutcome::kDocument);
  Result<std::vector<NodeInfo>> peers = ParseBootstrapResponse(reply.detail);
  ASSERT_TRUE(peers.ok());
  ASSERT_EQ(peers->size(), 2u);
  EXPECT_EQ((*peers)[0].id, "ref-cap");
  EXPECT_EQ((*peers)[1], node_->self());  // the seed itself last
}

// The exact wire answers of these vectors are checked in app/peer_wire_test.cc.
TEST_F(BootstrapSeedTest, SeedErrorsFromVectorsAreRefused) {
  const std::string good = vectors_.at("examples").at(0).at("request_body");
  for (const auto& error : vectors_.at("seed_errors")) {
    const std::string name = error.at("case");
    SCOPED_TRACE(name);
    const bool gated = name.starts_with("public network");
    ClusterHooks hooks;
    if (gated) hooks.is_public_non_root = [] { return true; };
    MakeSeed(name.starts_with("secret set") ? "test-cluster-secret" : "", hooks);
    const std::string body = error.contains("body") ? error.at("body").get<std::string>() : good;
    const std::string signature = name == "secret set, wrong MAC" ? std::string(64, 'a') : "";
    const PeerReply reply = node_->HandleBootstrap(body, signature);
    EXPECT_FALSE(reply.ok());
    if (gated) {
      EXPECT_EQ(reply.outcome, PeerOutcome::kNotBootstrapRoot);
      EXPECT_EQ(node_->BootstrapGate()->outcome, PeerOutcome::kNotBootstrapRoot);
    }
    EXPECT_EQ(node_->PeerCount(), 0u);
  }
}

TEST_F(BootstrapSeedTest, GateIsCheckedBeforeSignatureAndBody) {
  MakeSeed("secret", ClusterHooks{.is_public_non_root = [] { return true; }});
  const PeerReply reply = node_->HandleBootstrap("{not json", "");
  EXPECT_EQ(reply.outcome, PeerOutcome::kNotBootstrapRoot);
  MakeSeed("", ClusterHooks{.is_public_non_root = [] { return false; }});
  EXPECT_FALSE(node_->BootstrapGate());
}

TEST_F(BootstrapSeedTest, JoinerWithOurIdIsSkippedSilently) {
  const PeerReply reply =
      Bootstrap(R"({"node_id":"seed-1","address":"10.9.9.9","gossip_port":1,"http_port":2})");
  EXPECT_EQ(reply.outcome, PeerOutcome::kDocument);
  EXPECT_EQ(node_->PeerCount(), 0u);
  Result<std::vector<NodeInfo>> peers = ParseBootstrapResponse(reply.detail);
  ASSERT_EQ(peers->size(), 1u);
  EXPECT_EQ((*peers)[0].id, "seed-1");
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(BootstrapSeedTest, KnownJoinerIsOverwrittenAndItsFailuresReset) {
  KnowNode1();
  transport_.SetResponder([](const OutboundRequest&) { return FakeTransport::Answer(0); });
  node_->Start();
  scheduler_.AdvanceBy(seconds(60));  // two rounds: node-1 has one failure
  ASSERT_EQ(Bootstrap(R"({"node_id":"node-1","address":"10.0.0.99","gossip_port":1,)"
                      R"("http_port":8081,"enclave":"e"})")
                .outcome,
            PeerOutcome::kDocument);
  const NodeInfo node1 = node_->Peers()[0];
  EXPECT_EQ(node1.address, "10.0.0.99");
  EXPECT_EQ(node1.http_port, 8081);
  EXPECT_EQ(node1.enclave, "e");
  scheduler_.AdvanceBy(seconds(60));  // two more failed rounds: 2 < 3 after the reset
  EXPECT_EQ(node_->PeerCount(), 1u);
}

TEST_F(BootstrapSeedTest, NotifyRetriesThreeTimesWithOneAndTwoSecondSleeps) {
  KnowNode1();
  std::vector<MonoTime> attempts;
  transport_.SetResponder([&](const OutboundRequest&) {
    attempts.push_back(clock_.Now());
    return FakeTransport::Answer(503, "busy\n");
  });
  const MonoTime start = clock_.Now();
  ASSERT_EQ(Bootstrap(vectors_.at("examples").at(0).at("request_body")).outcome,
            PeerOutcome::kDocument);
  scheduler_.AdvanceBy(seconds(10));
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0] - start, seconds(0));
  EXPECT_EQ(attempts[1] - start, seconds(1));
  EXPECT_EQ(attempts[2] - start, seconds(3));
  EXPECT_EQ(node_->metrics().send_failures_total, 3u);
}

TEST_F(BootstrapSeedTest, NotifyStopsRetryingAfterSuccess) {
  KnowNode1();
  int attempts = 0;
  transport_.SetResponder(
      [&](const OutboundRequest&) { return FakeTransport::Answer(++attempts == 1 ? 0 : 200); });
  ASSERT_EQ(Bootstrap(vectors_.at("examples").at(0).at("request_body")).outcome,
            PeerOutcome::kDocument);
  scheduler_.AdvanceBy(seconds(10));
  EXPECT_EQ(attempts, 2);
}

TEST_F(BootstrapSeedTest, StopCancelsPendingNotifyRetries) {
  KnowNode1();
  transport_.SetResponder([](const OutboundRequest&) { return FakeTransport::Answer(0); });
  ASSERT_EQ(Bootstrap(vectors_.at("examples").at(0).at("request_body")).outcome,
            PeerOutcome::kDocument);
  node_->Stop();
  scheduler_.AdvanceBy(seconds(10));
  EXPECT_EQ(transport_.requests().size(), 1u);
}

// The joining side, through ClusterNode::Start.
class BootstrapJoinerTest : public testing::ClusterNodeFixture {
 protected:
  void Join(std::vector<std::string> seeds, ClusterHooks hooks = {}) {
    ClusterConfig config = DefaultConfig();
    config.node_id = "new-node";
    config.address = "10.0.0.50";
    config.seeds = std::move(seeds);
    MakeNode(config, std::move(hooks));
    node_->Start([this] { bootstrapped_ = true; });
  }

  bool bootstrapped_ = false;
};

TEST_F(BootstrapJoinerTest, VectorScenarioAddsDedupedPeersWithoutSelf) {
  const nlohmann::json scenario = LoadVectors("bootstrap.json").at("joiner_scenarios").at(0);
  std::map<std::string, std::string> answers;
  for (const auto& [seed, body] : scenario.at("responses").items()) answers[seed] = body;
  transport_.SetResponder([&](const OutboundRequest& req) {
    auto it = answers.find(req.host + ":" + std::to_string(req.port));
    return it == answers.end() ? FakeTransport::Answer(0) : FakeTransport::Answer(200, it->second);
  });
  Join(scenario.at("seeds"));
  EXPECT_TRUE(bootstrapped_);
  std::vector<std::string> ids;
  for (const NodeInfo& peer : node_->Peers()) ids.push_back(peer.id);
  EXPECT_EQ(ids, scenario.at("expect_peers").get<std::vector<std::string>>());
  EXPECT_EQ(node_->metrics().peer_joins_total,
            scenario.at("expect_peer_joins_total").get<uint64_t>());
  EXPECT_EQ(node_->metrics().peers_active, 2);
  EXPECT_EQ(node_->Quorum(), 2);
}

TEST_F(BootstrapJoinerTest, EverySeedFailingIsNotAnErrorAndRequestsARefreshInPublicMode) {
  int refreshes = 0;
  transport_.SetResponder([](const OutboundRequest&) { return FakeTransport::Answer(0); });
  Join({"10.0.0.9:8080"}, ClusterHooks{.request_omega_refresh = [&] { ++refreshes; }});
  EXPECT_TRUE(bootstrapped_);
  EXPECT_EQ(node_->PeerCount(), 0u);
  EXPECT_EQ(refreshes, 1);
  EXPECT_EQ(node_->metrics().isolated, 1);
}

TEST_F(BootstrapJoinerTest, FirstNodeWithoutSeedsStartsAlone) {
  Join({});
  EXPECT_TRUE(bootstrapped_);
  EXPECT_TRUE(transport_.requests().empty());
  EXPECT_EQ(node_->Quorum(), 1);
}

TEST_F(BootstrapJoinerTest, TimersStartOneIntervalAfterStart) {
  Join({});
  SimpleMessage sync = Msg("SYNC", "a");
  sync.node_info = Peer("a");
  ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  transport_.Clear();
  scheduler_.AdvanceBy(seconds(30) - milliseconds(1));
  EXPECT_TRUE(transport_.requests().empty());
  scheduler_.AdvanceBy(milliseconds(1));
  EXPECT_EQ(transport_.messages("PING").size(), 1u);
  EXPECT_EQ(transport_.messages("SYNC").size(), 1u);  // 1 peer < replication - 1
}

}  // namespace
}  // namespace repram::cluster
