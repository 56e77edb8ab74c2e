#include "tree/substrate.h"

#include <gtest/gtest.h>

#include "tree/lifecycle.h"
#include "tree/testing_fakes.h"
#include "util/fake_scheduler.h"

namespace repram::tree {
namespace {

using cluster::NodeInfo;
using cluster::SimpleMessage;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeLink;
using testing::FakePort;

class SubstrateTest : public ::testing::Test {
 protected:
  void Make(int max_children = 100, std::string secret = "") {
    TreeOptions options = relay_options_;
    options.self = NodeInfo{"sub", "10.0.0.1", 9090, 8080, "default"};
    options.secret = std::move(secret);
    options.max_children = max_children;
    substrate_ = std::make_unique<Substrate>(options, port_, scheduler_, metrics_);
  }
  void SetUp() override {
    port_.peers = {NodeInfo{"peer-b", "10.0.0.3", 9090, 8080, "default"},
                   NodeInfo{"peer-a", "10.0.0.2", 9090, 8080, "default"}};
    Make();
  }

  std::shared_ptr<FakeLink> Open() {
    auto link = std::make_shared<FakeLink>();
    substrate_->OnOpen(link);
    return link;
  }
  void Send(const std::shared_ptr<FakeLink>& link, FrameType type, const std::string& payload,
            const std::string& secret = "") {
    substrate_->OnText(link, EncodeFrame(type, payload, secret));
  }
  std::shared_ptr<FakeLink> Child(const std::string& id, const std::string& enclave = "default") {
    auto link = Open();
    Send(link, FrameType::kHello, EncodeHello(Hello{id, enclave, "192.168.1.2", 8080, false}));
    return link;
  }
  static SimpleMessage Put(const std::string& from, const std::string& id) {
    SimpleMessage put;
    put.type = "PUT";
    put.from = from;
    put.key = "k";
    put.data = "v";
    put.ttl = 600;
    put.message_id = id;
    return put;
  }

  // Sends one PUT from link with a value of value_bytes.
  void PutFrom(const std::shared_ptr<FakeLink>& link, const std::string& from,
               const std::string& id, size_t value_bytes = 1) {
    SimpleMessage put = Put(from, id);
    put.data = std::string(value_bytes, 'v');
    Send(link, FrameType::kPut, cluster::EncodeMessage(put));
  }

  TreeOptions relay_options_;  // the relay_* fields Make uses
  FakeClock clock_;
  FakeScheduler scheduler_{clock_};
  FakePort port_;
  TreeMetrics metrics_;
  std::unique_ptr<Substrate> substrate_;
};

TEST_F(SubstrateTest, HelloDeadlineClosesSilentConnections1002) {
  auto silent = Open();
  auto child = Child("kid");
  scheduler_.AdvanceBy(seconds(30) - milliseconds(1));
  EXPECT_TRUE(silent->open);
  scheduler_.AdvanceBy(milliseconds(1));
  EXPECT_FALSE(silent->open);
  EXPECT_EQ(silent->close_code, 1002);
  EXPECT_EQ(silent->close_reason, "no hello");
  EXPECT_TRUE(child->open);
}

TEST_F(SubstrateTest, BadHelloAndSelfAttachAreClosed) {
  auto bad = Open();
  Send(bad, FrameType::kHello, R"({"enclave":"x"})");
  EXPECT_EQ(bad->close_code, 1003);
  EXPECT_EQ(bad->close_reason, "bad hello");
  auto self = Child("sub");
  EXPECT_EQ(self->close_code, 1008);
  EXPECT_EQ(self->close_reason, "self attach");
  EXPECT_TRUE(substrate_->Children().empty());
}

TEST_F(SubstrateTest, WelcomeListsPeersThenSelfAndRegistersTheChild) {
  auto link = Child("kid", "");
  ASSERT_EQ(link->Sent(FrameType::kWelcome).size(), 1u);
  const std::optional<Welcome> welcome = ParseWelcome(link->Sent(FrameType::kWelcome)[0]);
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->parent_id, "sub");
  ASSERT_EQ(welcome->topology.size(), 3u);
  EXPECT_EQ(welcome->topology.back().id, "sub");
  ASSERT_EQ(substrate_->Children().size(), 1u);
  EXPECT_EQ(substrate_->Children()[0].enclave, "default");  // empty hello enclave
  EXPECT_EQ(metrics_.children, 1);
}

TEST_F(SubstrateTest, GossipBeforeHelloIsIgnored) {
  auto link = Open();
  Send(link, FrameType::kPut, cluster::EncodeMessage(Put("kid", "m1")));
  EXPECT_TRUE(port_.relayed.empty());
  EXPECT_TRUE(link->sent.empty());
  EXPECT_TRUE(link->open);
}

TEST_F(SubstrateTest, FramesWithABadSignatureAreDroppedAndTheLinkStays) {
  Make(100, "secret");
  auto link = Open();
  Send(link, FrameType::kHello, EncodeHello(Hello{"kid", "default", "", 1, false}), "wrong");
  EXPECT_TRUE(substrate_->Children().empty());
  substrate_->OnText(link, "garbage");
  EXPECT_TRUE(link->open);
  Send(link, FrameType::kHello, EncodeHello(Hello{"kid", "default", "", 1, false}), "secret");
  EXPECT_EQ(substrate_->Children().size(), 1u);
}

TEST_F(SubstrateTest, AtCapacityRedirectsWithAlternativesAndClosesAfter500ms) {
  Make(1);
  auto first = Child("kid-1");
  auto second = Child("kid-2");
  ASSERT_EQ(second->Sent(FrameType::kGoodbye).size(), 1u);
  const std::optional<Goodbye> goodbye = ParseGoodbye(second->Sent(FrameType::kGoodbye)[0]);
  EXPECT_EQ(goodbye->reason, "at capacity");
  ASSERT_EQ(goodbye->alternatives.size(), 2u);
  EXPECT_EQ(goodbye->alternatives[0].id, "peer-a");
  EXPECT_TRUE(second->open);
  scheduler_.AdvanceBy(milliseconds(500));
  EXPECT_EQ(second->close_code, 1000);
  EXPECT_EQ(second->close_reason, "redirected");
  EXPECT_EQ(substrate_->Children().size(), 1u);
  Make(0);
  EXPECT_EQ(Child("kid-3")->Sent(FrameType::kGoodbye).size(), 1u);
}

TEST_F(SubstrateTest, DuplicateIdReplacesTheOldConnectionAndItsCloseKeepsTheNewOne) {
  auto old_link = Child("kid");
  auto new_link = Child("kid");
  EXPECT_EQ(old_link->close_code, 1000);
  EXPECT_EQ(old_link->close_reason, "replaced");
  substrate_->OnClosed(old_link);
  ASSERT_EQ(substrate_->Children().size(), 1u);
  EXPECT_EQ(substrate_->Children()[0].link, new_link);
  substrate_->OnClosed(new_link);
  EXPECT_TRUE(substrate_->Children().empty());
  EXPECT_EQ(metrics_.children, 0);
}

TEST_F(SubstrateTest, HeartbeatTerminatesOnTheFourthSilentTickAndPongsKeepItAlive) {
  auto quiet = Child("quiet");
  auto lively = Child("lively");
  for (int tick = 1; tick <= 3; ++tick) {
    scheduler_.AdvanceBy(seconds(30));
    substrate_->OnPong(lively);
    EXPECT_EQ(quiet->pings, tick);
    EXPECT_FALSE(quiet->terminated);
  }
  scheduler_.AdvanceBy(seconds(30));
  EXPECT_TRUE(quiet->terminated);
  EXPECT_FALSE(lively->terminated);
  EXPECT_EQ(lively->pings, 4);
}

TEST_F(SubstrateTest, ChildPutIsRelayedAckedAndPushedToSiblingsOfTheEnclave) {
  auto kid = Child("kid");
  auto sibling = Child("sibling");
  auto stranger = Child("stranger", "other");
  Send(kid, FrameType::kPut, cluster::EncodeMessage(Put("kid", "kid-1")));
  ASSERT_EQ(port_.relayed.size(), 1u);
  EXPECT_EQ(port_.relayed[0].from, "kid");
  ASSERT_EQ(kid->Sent(FrameType::kAck).size(), 1u);
  const Result<SimpleMessage> ack = cluster::ParseMessage(kid->Sent(FrameType::kAck)[0]);
  EXPECT_EQ(ack->from, "sub");
  EXPECT_EQ(ack->to, "kid");
  EXPECT_EQ(ack->message_id, "kid-1");
  EXPECT_EQ(sibling->Sent(FrameType::kPut).size(), 1u);
  EXPECT_TRUE(stranger->Sent(FrameType::kPut).empty());
  EXPECT_TRUE(kid->Sent(FrameType::kPut).empty());
  // A duplicate is neither ACKed nor pushed again.
  port_.relay_outcome = cluster::ClusterNode::RelayOutcome::kDuplicate;
  Send(kid, FrameType::kPut, cluster::EncodeMessage(Put("kid", "kid-1")));
  EXPECT_EQ(kid->Sent(FrameType::kAck).size(), 1u);
  EXPECT_EQ(sibling->Sent(FrameType::kPut).size(), 1u);
}

TEST_F(SubstrateTest, AChildIsNotReadWhileItsRelayWindowIsFullAndResumesAtHalf) {
  relay_options_.relay_window_messages = 4;
  Make();
  port_.relay_sends = true;
  auto kid = Child("kid");
  auto sibling = Child("sibling");
  for (int i = 1; i <= 3; ++i) PutFrom(kid, "kid", "m" + std::to_string(i));
  EXPECT_FALSE(kid->paused);
  PutFrom(kid, "kid", "m4");
  EXPECT_TRUE(kid->paused);  // four relays still on their way to the mesh
  EXPECT_FALSE(sibling->paused);
  EXPECT_EQ(kid->Sent(FrameType::kAck).size(), 4u);  // ACKed at once all the same
  EXPECT_EQ(metrics_.relay_pauses_total, 1u);
  port_.FinishOldestRelay();
  EXPECT_TRUE(kid->paused);
  port_.FinishOldestRelay();
  EXPECT_FALSE(kid->paused);  // two left: half the window
  PutFrom(kid, "kid", "m5");
  PutFrom(kid, "kid", "m6");
  EXPECT_TRUE(kid->paused);
  while (!port_.unsent.empty()) port_.FinishOldestRelay();
  EXPECT_FALSE(kid->paused);
  EXPECT_EQ(metrics_.relay_pauses_total, 2u);
}

TEST_F(SubstrateTest, TheRelayWindowCountsBytes) {
  relay_options_.relay_window_bytes = 5'000;
  Make();
  port_.relay_sends = true;
  auto kid = Child("kid");
  PutFrom(kid, "kid", "small", 500);
  EXPECT_FALSE(kid->paused);
  PutFrom(kid, "kid", "large", 4'000);  // 500 + 4,000 + overheads > 5,000
  EXPECT_TRUE(kid->paused);
  port_.FinishOldestRelay();
  EXPECT_TRUE(kid->paused);  // the large one alone is still over half the window
  port_.FinishOldestRelay();
  EXPECT_FALSE(kid->paused);
}

TEST_F(SubstrateTest, ACongestedMeshPausesTheChildUntilAllItsRelaysWereSent) {
  Make();
  port_.relay_sends = true;
  auto kid = Child("kid");
  PutFrom(kid, "kid", "m1");
  port_.relay_congested = true;
  PutFrom(kid, "kid", "m2");
  EXPECT_TRUE(kid->paused);
  port_.relay_congested = false;
  port_.FinishOldestRelay();
  EXPECT_TRUE(kid->paused);  // far below the window, but the mesh was congested
  port_.FinishOldestRelay();
  EXPECT_FALSE(kid->paused);
}

TEST_F(SubstrateTest, TheTotalOverAllChildrenPausesEachChildThatRelays) {
  relay_options_.relay_total_bytes = 1'000;
  Make();
  port_.relay_sends = true;
  auto first = Child("first");
  auto second = Child("second");
  PutFrom(first, "first", "f1", 100);
  EXPECT_FALSE(first->paused);
  PutFrom(second, "second", "s1", 800);
  EXPECT_TRUE(second->paused);
  EXPECT_FALSE(first->paused);  // it relays nothing new, so it is not read less
  // A child that leaves still releases its share when its relays finish.
  substrate_->OnClosed(second);
  port_.FinishOldestRelay();
  port_.FinishOldestRelay();
  PutFrom(first, "first", "f2", 100);
  EXPECT_FALSE(first->paused);
}

TEST_F(SubstrateTest, NothingToSendNeverPauses) {
  relay_options_.relay_window_messages = 1;
  Make();
  auto kid = Child("kid");
  PutFrom(kid, "kid", "m1");  // no mesh sends: finished before RelayChildPut returns
  EXPECT_FALSE(kid->paused);
  port_.relay_outcome = cluster::ClusterNode::RelayOutcome::kDuplicate;
  PutFrom(kid, "kid", "m1");
  EXPECT_FALSE(kid->paused);
}

TEST_F(SubstrateTest, MeshAcksFollowTheAckRouteUntilTheWriteTimeout) {
  auto kid = Child("kid");
  Send(kid, FrameType::kPut, cluster::EncodeMessage(Put("kid", "kid-1")));
  SimpleMessage mesh_ack;
  mesh_ack.type = "ACK";
  mesh_ack.from = "peer-a";
  mesh_ack.to = "sub";
  mesh_ack.message_id = "kid-1";
  EXPECT_TRUE(substrate_->RouteAck(mesh_ack));
  mesh_ack.from = "peer-b";
  EXPECT_TRUE(substrate_->RouteAck(mesh_ack));
  EXPECT_EQ(kid->Sent(FrameType::kAck).size(), 3u);  // the substrate's own + two mesh ACKs
  scheduler_.AdvanceBy(seconds(5));
  EXPECT_FALSE(substrate_->RouteAck(mesh_ack));
  mesh_ack.message_id = "unknown";
  EXPECT_FALSE(substrate_->RouteAck(mesh_ack));
}

TEST_F(SubstrateTest, AcksToAChildAndMeshPushesGoDownTheTree) {
  auto kid = Child("kid");
  auto other = Child("other", "elsewhere");
  SimpleMessage ack;
  ack.type = "ACK";
  ack.to = "kid";
  EXPECT_TRUE(substrate_->SendAck(ack));
  ack.to = "nobody";
  EXPECT_FALSE(substrate_->SendAck(ack));
  substrate_->PushToChildren(Put("peer-a", "mesh-1"));
  EXPECT_EQ(kid->Sent(FrameType::kPut).size(), 1u);
  EXPECT_TRUE(other->Sent(FrameType::kPut).empty());
  substrate_->PushToChildren(Put("kid", "own-1"));  // never echoed to its originator
  EXPECT_EQ(kid->Sent(FrameType::kPut).size(), 1u);
}

TEST_F(SubstrateTest, PingIsAnsweredOverTheLinkAndOtherGossipGoesToTheCluster) {
  auto kid = Child("kid");
  SimpleMessage ping;
  ping.type = "PING";
  ping.from = "kid";
  ping.message_id = "p-1";
  Send(kid, FrameType::kPing, cluster::EncodeMessage(ping));
  ASSERT_EQ(kid->Sent(FrameType::kPong).size(), 1u);
  EXPECT_EQ(cluster::ParseMessage(kid->Sent(FrameType::kPong)[0])->to, "kid");
  SimpleMessage sync;
  sync.type = "SYNC";
  sync.from = "kid";
  sync.node_info = NodeInfo{"x", "h", 1, 2, "default"};
  Send(kid, FrameType::kTopologySync, cluster::EncodeMessage(sync));
  EXPECT_EQ(port_.syncs.size(), 1u);
  SimpleMessage ack;
  ack.type = "ACK";
  ack.from = "kid";
  Send(kid, FrameType::kAck, cluster::EncodeMessage(ack));
  EXPECT_EQ(port_.handled.size(), 1u);
  EXPECT_EQ(metrics_.frames_received[static_cast<int>(FrameType::kPing)], 1u);
}

TEST_F(SubstrateTest, ShutdownSaysGoodbyeOnceThenCloses1001) {
  auto kid = Child("kid");
  auto unhelloed = Open();
  substrate_->Shutdown(milliseconds(0));
  ASSERT_EQ(kid->Sent(FrameType::kGoodbye).size(), 1u);
  EXPECT_EQ(ParseGoodbye(kid->Sent(FrameType::kGoodbye)[0])->reason, "shutdown");
  EXPECT_EQ(kid->close_code, 1001);
  EXPECT_EQ(kid->close_reason, "server shutting down");
  EXPECT_EQ(unhelloed->close_code, 1001);
  EXPECT_TRUE(unhelloed->Sent(FrameType::kGoodbye).empty());
  auto late = Open();
  EXPECT_EQ(late->close_code, 1001);
  EXPECT_EQ(scheduler_.pending(), 0u);
}

}  // namespace
}  // namespace repram::tree
