#include "tree/transient.h"

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
using testing::FakeDialer;
using testing::FakeLink;
using testing::FakePort;

class ListSeeds final : public cluster::SeedProvider {
 public:
  std::vector<std::string> Seeds() override { return seeds; }
  std::vector<std::string> seeds;
};

class TransientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TreeOptions options;
    options.self = NodeInfo{"me", "10.0.0.9", 9090, 8080, "default"};
    provider_.seeds = {"10.0.0.1:8080"};
    transient_ = std::make_unique<Transient>(
        options, std::vector<std::string>{"10.0.0.9:8080", "10.0.0.1:8080", "10.0.0.2:8080"},
        &provider_, port_, dialer_, scheduler_, metrics_);
  }

  // Answers the hello on link with a welcome from parent listing topology.
  void Welcome(const std::shared_ptr<FakeLink>& link, const std::string& parent,
               std::vector<NodeInfo> peers = {}) {
    const NodeInfo self{parent, "10.0.0.1", 9090, 8080, "default"};
    transient_->OnText(link, EncodeFrame(FrameType::kWelcome, EncodeWelcome(peers, self, 1), ""));
  }
  // Starts and attaches to sub-1 through the first non-self seed.
  std::shared_ptr<FakeLink> Attach(std::vector<NodeInfo> peers = {}) {
    transient_->Start();
    scheduler_.AdvanceBy(milliseconds(500));
    auto link = dialer_.Complete();
    Welcome(link, "sub-1", std::move(peers));
    return link;
  }

  FakeClock clock_;
  FakeScheduler scheduler_{clock_};
  FakePort port_;
  FakeDialer dialer_;
  ListSeeds provider_;
  TreeMetrics metrics_;
  std::unique_ptr<Transient> transient_;
};

TEST_F(TransientTest, InitialAttachWaits500msSkipsSelfAndSendsHello) {
  transient_->Start();
  scheduler_.AdvanceBy(milliseconds(499));
  EXPECT_TRUE(dialer_.dials.empty());
  scheduler_.AdvanceBy(milliseconds(1));
  ASSERT_EQ(dialer_.dials.size(), 1u);
  EXPECT_EQ(dialer_.dials[0].host, "10.0.0.1");  // 10.0.0.9:8080 is ourselves
  EXPECT_EQ(dialer_.dials[0].timeout, seconds(10));
  auto link = dialer_.Complete();
  ASSERT_EQ(link->Sent(FrameType::kHello).size(), 1u);
  const std::optional<Hello> hello = ParseHello(link->Sent(FrameType::kHello)[0]);
  EXPECT_EQ(hello->node_id, "me");
  EXPECT_FALSE(hello->inbound);
  Welcome(link, "sub-1");
  EXPECT_EQ(transient_->ParentId(), "sub-1");
  EXPECT_EQ(metrics_.attached, 1);
  ASSERT_EQ(port_.catchups.size(), 1u);
  EXPECT_EQ(port_.catchups[0].id, "sub-1");
  EXPECT_EQ(metrics_.reattaches_total, 0u);
}

TEST_F(TransientTest, AttemptTimeoutCoversTheHandshakeAndMovesToTheNextSeed) {
  transient_->Start();
  scheduler_.AdvanceBy(milliseconds(500));
  auto silent = dialer_.Complete();  // dialled, but no welcome
  scheduler_.AdvanceBy(seconds(10));
  EXPECT_EQ(silent->close_code, 1000);
  EXPECT_EQ(silent->close_reason, "");
  ASSERT_EQ(dialer_.dials.size(), 1u);
  EXPECT_EQ(dialer_.dials[0].host, "10.0.0.2");
}

TEST_F(TransientTest, EveryFailureBacksOff5Then10SecondsThenResetsOnSuccess) {
  transient_->Start();
  scheduler_.AdvanceBy(milliseconds(500));
  dialer_.Complete(false);
  dialer_.Complete(false);  // the initial seed list is exhausted
  EXPECT_TRUE(dialer_.dials.empty());
  scheduler_.AdvanceBy(seconds(5));
  ASSERT_EQ(dialer_.dials.size(), 1u);  // layer 3: the seed provider
  dialer_.Complete(false);
  scheduler_.AdvanceBy(seconds(10) - milliseconds(1));
  EXPECT_TRUE(dialer_.dials.empty());
  scheduler_.AdvanceBy(milliseconds(1));
  ASSERT_EQ(dialer_.dials.size(), 1u);
  auto link = dialer_.Complete();
  Welcome(link, "sub-1");
  EXPECT_EQ(metrics_.attached, 1);
  // Lose it: the cached layer (only the parent itself) fails, then seeds fail, backoff is 5 s.
  transient_->OnClosed(link);
  EXPECT_EQ(metrics_.attached, 0);
  ASSERT_EQ(dialer_.dials.size(), 1u);
  EXPECT_EQ(dialer_.dials[0].timeout, seconds(5));  // cached layer
  dialer_.Complete(false);
  dialer_.Complete(false);  // seed provider
  scheduler_.AdvanceBy(seconds(5));
  EXPECT_EQ(dialer_.dials.size(), 1u);
}

TEST_F(TransientTest, CloseOfTheParentReattachesThroughTheCachedTopology) {
  auto link = Attach({NodeInfo{"sub-2", "10.0.0.2", 9090, 8080, "default"},
                      NodeInfo{"me", "10.0.0.9", 9090, 8080, "default"}});
  transient_->OnClosed(link);
  ASSERT_EQ(dialer_.dials.size(), 1u);
  EXPECT_EQ(dialer_.dials[0].host, "10.0.0.2");
  auto second = dialer_.Complete();
  Welcome(second, "sub-2");
  EXPECT_EQ(transient_->ParentId(), "sub-2");
  EXPECT_EQ(metrics_.reattaches_total, 1u);
  EXPECT_EQ(port_.catchups.size(), 2u);
}

TEST_F(TransientTest, GoodbyeAlternativesAreTriedFirst) {
  auto link = Attach({NodeInfo{"sub-2", "10.0.0.2", 9090, 8080, "default"}});
  const Goodbye goodbye{"shutdown", {NodeInfo{"sub-3", "10.0.0.3", 0, 8080, "default"}}};
  transient_->OnText(link, EncodeFrame(FrameType::kGoodbye, EncodeGoodbye(goodbye), ""));
  EXPECT_FALSE(transient_->ParentId());
  ASSERT_EQ(dialer_.dials.size(), 1u);
  EXPECT_EQ(dialer_.dials[0].host, "10.0.0.3");
  EXPECT_EQ(dialer_.dials[0].timeout, seconds(10));
}

TEST_F(TransientTest, RedirectDuringAnAttemptQueuesItsAlternatives) {
  transient_->Start();
  scheduler_.AdvanceBy(milliseconds(500));
  auto link = dialer_.Complete();
  const Goodbye redirect{"at capacity", {NodeInfo{"sub-7", "10.0.0.7", 0, 8080, "default"}}};
  transient_->OnText(link, EncodeFrame(FrameType::kGoodbye, EncodeGoodbye(redirect), ""));
  EXPECT_EQ(link->close_code, 1000);
  ASSERT_EQ(dialer_.dials.size(), 1u);
  EXPECT_EQ(dialer_.dials[0].host, "10.0.0.2");  // the rest of the current layer first
  dialer_.Complete(false);
  ASSERT_EQ(dialer_.dials.size(), 1u);
  EXPECT_EQ(dialer_.dials[0].host, "10.0.0.7");
}

TEST_F(TransientTest, HeartbeatDeathOnTheFourthSilentTickStartsTheLoop) {
  auto link = Attach();
  for (int tick = 1; tick <= 3; ++tick) scheduler_.AdvanceBy(seconds(30));
  EXPECT_EQ(link->pings, 3);
  EXPECT_FALSE(link->terminated);
  scheduler_.AdvanceBy(seconds(30));
  EXPECT_TRUE(link->terminated);
  transient_->OnClosed(link);  // what the connection reports after a termination
  EXPECT_EQ(dialer_.dials.size(), 1u);
}

TEST_F(TransientTest, WritesAndAcksGoToTheParentWhileAttached) {
  SimpleMessage put;
  put.type = "PUT";
  put.from = "me";
  put.message_id = "me-1";
  EXPECT_FALSE(transient_->SendToParent(put));
  EXPECT_FALSE(transient_->AttachedParent());
  auto link = Attach();
  EXPECT_EQ(transient_->AttachedParent(), "sub-1");
  EXPECT_TRUE(transient_->SendToParent(put));
  EXPECT_EQ(link->Sent(FrameType::kPut).size(), 1u);
  link->congested = true;  // the parent paces us: the write goes over HTTP instead
  EXPECT_FALSE(transient_->SendToParent(put));
  EXPECT_EQ(link->Sent(FrameType::kPut).size(), 1u);
  EXPECT_EQ(transient_->AttachedParent(), "sub-1");
  link->congested = false;
  SimpleMessage ack;
  ack.type = "ACK";
  ack.to = "sub-1";
  EXPECT_TRUE(transient_->SendAck(ack));
  ack.to = "elsewhere";
  EXPECT_FALSE(transient_->SendAck(ack));
  // Gossip from the parent reaches the cluster; a PING is answered over the link.
  transient_->OnText(link, EncodeFrame(FrameType::kPut, cluster::EncodeMessage(put), ""));
  EXPECT_EQ(port_.handled.size(), 1u);
  SimpleMessage ping;
  ping.type = "PING";
  ping.from = "sub-1";
  transient_->OnText(link, EncodeFrame(FrameType::kPing, cluster::EncodeMessage(ping), ""));
  EXPECT_EQ(link->Sent(FrameType::kPong).size(), 1u);
}

TEST_F(TransientTest, StopClosesTheParentAndEndsTheLoop) {
  auto link = Attach();
  transient_->Stop();
  EXPECT_EQ(link->close_code, 1000);
  EXPECT_EQ(link->close_reason, "shutting down");
  transient_->OnClosed(link);
  scheduler_.AdvanceBy(seconds(120));
  EXPECT_TRUE(dialer_.dials.empty());
  EXPECT_EQ(scheduler_.pending(), 0u);
}

}  // namespace
}  // namespace repram::tree
