#include "cluster/membership.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cluster/node_info.h"

namespace repram::cluster {
namespace {

NodeInfo Node(std::string id, std::string address = "", uint16_t http_port = 8080,
              std::string enclave = "default") {
  if (address.empty()) address = "host-" + id;
  return NodeInfo{.id = std::move(id),
                  .address = std::move(address),
                  .gossip_port = 9090,
                  .http_port = http_port,
                  .enclave = std::move(enclave)};
}

class MembershipTest : public ::testing::Test {
 protected:
  Membership members_{Node("self", "10.0.0.1", 8080)};

  // Runs one full round in which `ok` peers answer their PING with 2xx and `pong` peers PONG.
  RoundPlan Round(const std::vector<std::string>& ok, const std::vector<std::string>& pong) {
    RoundPlan plan = members_.StartRound();
    for (const std::string& id : ok) members_.RecordPingResult(id, plan.round, true);
    for (const std::string& id : pong) members_.RecordPong(id);
    return plan;
  }
};

TEST_F(MembershipTest, AddPeerRejectsInvalidNodes) {
  EXPECT_EQ(members_.AddPeer(Node(""), AddMode::kBootstrap), AddResult::kRejected);
  NodeInfo no_address = Node("a");
  no_address.address.clear();
  EXPECT_EQ(members_.AddPeer(no_address, AddMode::kBootstrap), AddResult::kRejected);
  EXPECT_EQ(members_.AddPeer(Node("a", "h", 0), AddMode::kBootstrap), AddResult::kRejected);
  // A wire http_port outside 1..65535 is read as 0 (ReadPort) and rejected the same way.
  NodeInfo out_of_range;
  ASSERT_TRUE(ReadNodeInfo(nlohmann::json::parse(R"({"id":"a","address":"h","http_port":65536})"),
                           out_of_range));
  EXPECT_EQ(members_.AddPeer(out_of_range, AddMode::kBootstrap), AddResult::kRejected);
  EXPECT_EQ(members_.AddPeer(Node("self", "other"), AddMode::kSync), AddResult::kRejected);
  EXPECT_EQ(members_.AddPeer(Node("twin", "10.0.0.1", 8080), AddMode::kSync), AddResult::kRejected);
  EXPECT_EQ(members_.size(), 0u);
  EXPECT_EQ(members_.AddPeer(Node("a", "10.0.0.1", 8081), AddMode::kSync), AddResult::kAdded);
  EXPECT_EQ(members_.AddPeer(Node("b", "h", 65535), AddMode::kSync), AddResult::kAdded);
}

TEST_F(MembershipTest, EmptyEnclaveBecomesDefault) {
  members_.AddPeer(Node("a", "h", 1, ""), AddMode::kSync);
  EXPECT_EQ(members_.Find("a")->enclave, "default");
  EXPECT_EQ(members_.SameEnclaveCount(), 1u);
}

TEST_F(MembershipTest, BootstrapOverwritesAndResetsFailures) {
  members_.AddPeer(Node("a", "old", 1), AddMode::kBootstrap);
  Round({}, {});
  Round({}, {});  // a was pinged in round 1 and failed
  ASSERT_EQ(members_.Failures("a"), 1);
  EXPECT_EQ(members_.AddPeer(Node("a", "new", 2, "e2"), AddMode::kBootstrap), AddResult::kUpdated);
  EXPECT_EQ(*members_.Find("a"), Node("a", "new", 2, "e2"));
  EXPECT_EQ(members_.Failures("a"), 0);
}

TEST_F(MembershipTest, SyncUpdatesOnlyTheEnclaveOfAKnownPeer) {
  members_.AddPeer(Node("a", "old", 1), AddMode::kBootstrap);
  EXPECT_EQ(members_.AddPeer(Node("a", "new", 2), AddMode::kSync), AddResult::kUnchanged);
  EXPECT_EQ(members_.AddPeer(Node("a", "new", 2, "e2"), AddMode::kPropagatedSync),
            AddResult::kUpdated);
  EXPECT_EQ(*members_.Find("a"), Node("a", "old", 1, "e2"));
}

TEST_F(MembershipTest, RefusesNewIdsBeyondTheCap) {
  Membership small(Node("self"), 2);
  EXPECT_EQ(small.AddPeer(Node("a"), AddMode::kSync), AddResult::kAdded);
  EXPECT_EQ(small.AddPeer(Node("b"), AddMode::kSync), AddResult::kAdded);
  EXPECT_EQ(small.AddPeer(Node("c"), AddMode::kSync), AddResult::kRejected);
  EXPECT_EQ(small.AddPeer(Node("a", "x"), AddMode::kBootstrap), AddResult::kUpdated);
  EXPECT_EQ(Membership::kMaxPeers, 10'000u);
}

TEST_F(MembershipTest, AllIsSortedAndSameEnclaveFilters) {
  members_.AddPeer(Node("c"), AddMode::kSync);
  members_.AddPeer(Node("a", "", 8080, "other"), AddMode::kSync);
  members_.AddPeer(Node("b"), AddMode::kSync);
  std::vector<std::string> ids;
  for (const NodeInfo& n : members_.All()) ids.push_back(n.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(members_.SameEnclave().size(), 2u);
  EXPECT_EQ(members_.SameEnclaveCount(), 2u);
}

TEST_F(MembershipTest, FirstRoundPingsEveryoneWithoutEvaluating) {
  members_.AddPeer(Node("a"), AddMode::kSync);
  RoundPlan plan = members_.StartRound();
  EXPECT_EQ(plan.to_ping.size(), 1u);
  EXPECT_EQ(plan.failed, 0u);
  EXPECT_EQ(members_.Failures("a"), 0);
}

TEST_F(MembershipTest, PingWithPongSucceedsInARoundWithEvidence) {
  members_.AddPeer(Node("a"), AddMode::kSync);
  Round({"a"}, {"a"});
  RoundPlan plan = Round({}, {});
  EXPECT_EQ(plan.failed, 0u);
  EXPECT_TRUE(plan.to_sync.empty());
}

TEST_F(MembershipTest, TwoXxWithoutPongFailsWhenOthersPongedAndTriggersDirectSync) {
  members_.AddPeer(Node("ghost"), AddMode::kSync);
  members_.AddPeer(Node("live"), AddMode::kSync);
  Round({"ghost", "live"}, {"live"});
  RoundPlan plan = Round({}, {});
  EXPECT_EQ(plan.failed, 1u);
  EXPECT_EQ(members_.Failures("ghost"), 1);
  EXPECT_EQ(members_.Failures("live"), 0);
  ASSERT_EQ(plan.to_sync.size(), 1u);
  EXPECT_EQ(plan.to_sync[0].id, "ghost");
}

TEST_F(MembershipTest, NatNodeWithoutAnyPongSucceedsOnTwoXx) {
  members_.AddPeer(Node("a"), AddMode::kSync);
  members_.AddPeer(Node("b"), AddMode::kSync);
  for (int i = 0; i < 6; ++i) {
    RoundPlan plan = Round({"a", "b"}, {});
    EXPECT_EQ(plan.failed, 0u);
    EXPECT_TRUE(plan.to_sync.empty());
  }
  EXPECT_EQ(members_.size(), 2u);
}

TEST_F(MembershipTest, TransportFailureCountsEvenWithoutEvidence) {
  members_.AddPeer(Node("a"), AddMode::kSync);
  Round({}, {});
  RoundPlan plan = Round({}, {});
  EXPECT_EQ(plan.failed, 1u);
  EXPECT_TRUE(plan.to_sync.empty());
}

TEST_F(MembershipTest, EvictsAfterThreeFailedRoundsAndQuarantines) {
  members_.AddPeer(Node("dead"), AddMode::kSync);
  Round({}, {});
  Round({}, {});
  Round({}, {});
  RoundPlan plan = Round({}, {});
  ASSERT_EQ(plan.evicted.size(), 1u);
  EXPECT_EQ(plan.evicted[0].id, "dead");
  EXPECT_FALSE(members_.Contains("dead"));
  EXPECT_TRUE(members_.IsQuarantined("dead"));
  EXPECT_TRUE(plan.to_ping.empty());
}

TEST_F(MembershipTest, PongResetsTheCounterImmediately) {
  members_.AddPeer(Node("a"), AddMode::kSync);
  Round({}, {});
  Round({}, {});
  Round({}, {});
  ASSERT_EQ(members_.Failures("a"), 2);
  EXPECT_TRUE(members_.RecordPong("a"));
  EXPECT_EQ(members_.Failures("a"), 0);
  EXPECT_FALSE(members_.RecordPong("unknown"));
}

TEST_F(MembershipTest, StalePingResultsAreIgnored) {
  members_.AddPeer(Node("a"), AddMode::kSync);
  RoundPlan first = members_.StartRound();
  members_.StartRound();
  members_.RecordPingResult("a", first.round, true);  // arrived after the round ended
  EXPECT_EQ(members_.StartRound().failed, 1u);
}

class QuarantineTest : public MembershipTest {
 protected:
  void SetUp() override {
    members_.AddPeer(Node("dead"), AddMode::kSync);
    for (int i = 0; i < 4; ++i) Round({}, {});
    ASSERT_TRUE(members_.IsQuarantined("dead"));
  }
};

TEST_F(QuarantineTest, PropagatedSyncCannotReaddDuringThreeRounds) {
  EXPECT_EQ(members_.AddPeer(Node("dead"), AddMode::kPropagatedSync), AddResult::kRejected);
  Round({}, {});
  EXPECT_EQ(members_.AddPeer(Node("dead"), AddMode::kPropagatedSync), AddResult::kRejected);
  Round({}, {});
  EXPECT_EQ(members_.AddPeer(Node("dead"), AddMode::kPropagatedSync), AddResult::kRejected);
  Round({}, {});
  EXPECT_FALSE(members_.IsQuarantined("dead"));
  EXPECT_EQ(members_.AddPeer(Node("dead"), AddMode::kPropagatedSync), AddResult::kAdded);
}

TEST_F(QuarantineTest, DirectEvidenceReaddsAndEndsQuarantine) {
  EXPECT_EQ(members_.AddPeer(Node("dead"), AddMode::kSync), AddResult::kAdded);
  EXPECT_FALSE(members_.IsQuarantined("dead"));
}

TEST_F(QuarantineTest, BootstrapReadds) {
  EXPECT_EQ(members_.AddPeer(Node("dead"), AddMode::kBootstrap), AddResult::kAdded);
}

TEST_F(QuarantineTest, ReadmitRestoresTheLastRecord) {
  EXPECT_TRUE(members_.Readmit("dead"));
  EXPECT_EQ(*members_.Find("dead"), Node("dead"));
  EXPECT_FALSE(members_.IsQuarantined("dead"));
  EXPECT_FALSE(members_.Readmit("never-seen"));
}

std::vector<std::string> Ids(const std::vector<NodeInfo>& nodes) {
  std::vector<std::string> out;
  for (const NodeInfo& n : nodes) out.push_back(n.id);
  return out;
}

// Anti-entropy triggers (cluster.md §12.1): a peer answering again after failed rounds.
TEST_F(MembershipTest, PeerAnsweringAgainAfterFailedRoundsRejoins) {
  members_.AddPeer(Node("a"), AddMode::kSync);
  members_.AddPeer(Node("b"), AddMode::kSync);
  Round({"a", "b"}, {});
  Round({"b"}, {});  // a fails this round
  EXPECT_TRUE(members_.TakeRejoined().empty());
  Round({"a", "b"}, {});  // a answers again (no PONGs anywhere: 2xx suffices)
  Round({}, {});
  EXPECT_EQ(Ids(members_.TakeRejoined()), std::vector<std::string>{"a"});
  EXPECT_TRUE(members_.TakeRejoined().empty());  // reported once
}

TEST_F(MembershipTest, PongAfterFailedRoundsRejoins) {
  members_.AddPeer(Node("a"), AddMode::kSync);
  Round({}, {});
  Round({}, {});
  ASSERT_EQ(members_.Failures("a"), 1);
  members_.RecordPong("a");
  EXPECT_EQ(Ids(members_.TakeRejoined()), std::vector<std::string>{"a"});
  members_.RecordPong("a");  // no failures left: not a rejoin
  EXPECT_TRUE(members_.TakeRejoined().empty());
}

TEST_F(QuarantineTest, EvictedPeerAddedAgainRejoins) {
  EXPECT_TRUE(members_.TakeRejoined().empty());
  EXPECT_EQ(members_.AddPeer(Node("dead"), AddMode::kSync), AddResult::kAdded);
  EXPECT_EQ(Ids(members_.TakeRejoined()), std::vector<std::string>{"dead"});
  members_.AddPeer(Node("fresh"), AddMode::kSync);  // never evicted: not a rejoin
  EXPECT_TRUE(members_.TakeRejoined().empty());
}

}  // namespace
}  // namespace repram::cluster
