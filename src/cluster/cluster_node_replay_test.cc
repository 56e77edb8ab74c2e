// Replay of signed gossip (issue #13 item 6): with a secret, a PUT stamped more than 30 s away
// from our clock is dropped, so a captured message cannot outlive the 60 s dedup window.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cluster/hmac.h"
#include "cluster/testing/cluster_node_fixture.h"

namespace repram::cluster {
namespace {

using std::chrono::seconds;

constexpr char kSecret[] = "replay-secret";

class ReplayTest : public testing::ClusterNodeFixture {
 protected:
  void Make(const std::string& secret) {
    ClusterConfig config = DefaultConfig();
    config.secret = secret;
    MakeNode(config);
  }

  // Returns a PUT of key from peer "origin", stamped now + skew (by the fake wall clock).
  SimpleMessage Put(const std::string& key, seconds skew = seconds(0)) {
    SimpleMessage put = Msg("PUT", "origin");
    put.key = key;
    put.data = "value";
    put.ttl = 600;
    put.timestamp += skew.count();
    return put;
  }

  uint64_t Rejected() const { return node_->metrics().rejected_stale_timestamp.load(); }
};

TEST_F(ReplayTest, ReplayedSignedPutAfter90SecondsIsNotStored) {
  Make(kSecret);
  // The wire bytes and signature of a PUT as an eavesdropper captured them.
  const std::string body = EncodeMessage(Put("k"));
  const std::string signature = SignBody(kSecret, body);
  ASSERT_EQ(node_->HandleGossip(body, signature, false).outcome, PeerOutcome::kAccepted);
  ASSERT_TRUE(store_.Get("k").has_value());
  ASSERT_EQ(store_.puts(), 1);

  clock_.Advance(seconds(90));  // past the 60 s dedup window: the id alone no longer stops it
  EXPECT_EQ(node_->HandleGossip(body, signature, false).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(store_.puts(), 1);  // not stored again
  EXPECT_EQ(Rejected(), 1u);
  EXPECT_TRUE(transport_.messages("ACK").empty());  // unknown originator: no ACK either way
}

TEST_F(ReplayTest, StampsWithinThirtySecondsEitherWayAreStored) {
  Make(kSecret);
  EXPECT_EQ(Gossip(Put("past", seconds(-30))).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(Gossip(Put("future", seconds(30))).outcome, PeerOutcome::kAccepted);
  EXPECT_TRUE(store_.Get("past").has_value());
  EXPECT_TRUE(store_.Get("future").has_value());
  EXPECT_EQ(Rejected(), 0u);
}

TEST_F(ReplayTest, StampsFurtherThanThirtySecondsAreDroppedAndCounted) {
  Make(kSecret);
  EXPECT_EQ(Gossip(Put("past", seconds(-31))).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(Gossip(Put("future", seconds(31))).outcome, PeerOutcome::kAccepted);
  SimpleMessage zero = Put("zero");
  zero.timestamp = 0;  // absent timestamp
  EXPECT_EQ(Gossip(zero).outcome, PeerOutcome::kAccepted);
  EXPECT_EQ(store_.puts(), 0);
  EXPECT_EQ(Rejected(), 3u);
  EXPECT_NE(
      node_->RenderMetrics().find("repram_gossip_rejected_total{reason=\"stale_timestamp\"} 3\n"),
      std::string::npos);
}

TEST_F(ReplayTest, DroppedPutIsNotForwardedAndItsIdStaysUnseen) {
  Make(kSecret);
  for (int i = 0; i < 12; ++i) AddPeer("p" + std::to_string(i));  // > 10 peers: receivers forward
  transport_.Clear();
  SimpleMessage put = Put("k", seconds(-120));
  EXPECT_EQ(Gossip(put).outcome, PeerOutcome::kAccepted);
  EXPECT_TRUE(transport_.messages("PUT").empty());
  // The same id with a current stamp (a live copy of the write) is still stored.
  put.timestamp += 120;
  EXPECT_EQ(Gossip(put).outcome, PeerOutcome::kAccepted);
  EXPECT_TRUE(store_.Get("k").has_value());
}

TEST_F(ReplayTest, RelayedChildPutWithAStaleStampIsRefused) {
  Make(kSecret);
  EXPECT_EQ(node_->RelayChildPut(Put("k", seconds(-90))).outcome,
            ClusterNode::RelayOutcome::kStale);
  EXPECT_EQ(store_.puts(), 0);
  EXPECT_EQ(node_->RelayChildPut(Put("k")).outcome, ClusterNode::RelayOutcome::kStored);
}

TEST_F(ReplayTest, WithoutASecretTimestampsAreNotChecked) {
  Make("");
  SimpleMessage old = Put("k");
  old.timestamp = 1;  // upstream compatibility: the stamp is informational only
  EXPECT_EQ(Gossip(old).outcome, PeerOutcome::kAccepted);
  EXPECT_TRUE(store_.Get("k").has_value());
  EXPECT_EQ(Rejected(), 0u);
}

}  // namespace
}  // namespace repram::cluster
