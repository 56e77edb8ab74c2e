#include <gtest/gtest.h>

#include "tree/ack_routes.h"
#include "tree/children.h"
#include "tree/heartbeat.h"
#include "tree/reattach_plan.h"
#include "tree/testing_fakes.h"
#include "util/fake_clock.h"

namespace repram::tree {
namespace {

using cluster::NodeInfo;
using std::chrono::seconds;

using testing::FakeLink;

std::vector<std::string> Ids(ReattachPlan& plan, FakeClock& clock, Duration per_attempt = {}) {
  std::vector<std::string> ids;
  while (std::optional<Candidate> c = plan.Next(clock.Now())) {
    ids.push_back(c->id);
    clock.Advance(per_attempt);
  }
  return ids;
}

const SelfEndpoint kSelf{"me", "10.0.0.9", 8080};

TEST(ReattachPlanTest, LayersInOrderWithTheirTimeouts) {
  FakeClock clock;
  ReattachPlan plan(kSelf, {}, {NodeInfo{"g1", "10.0.0.1", 0, 8080}},
                    {NodeInfo{"c1", "10.0.0.2", 0, 8080}}, {"10.0.0.3:8080"});
  std::optional<Candidate> c = plan.Next(clock.Now());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "g1");
  EXPECT_EQ(c->layer, CandidateLayer::kGoodbye);
  EXPECT_EQ(c->timeout, seconds(10));
  c = plan.Next(clock.Now());
  EXPECT_EQ(c->id, "c1");
  EXPECT_EQ(c->timeout, seconds(5));
  c = plan.Next(clock.Now());
  EXPECT_EQ(c->id, "seed-10.0.0.3:8080");
  EXPECT_EQ(c->address, "10.0.0.3");
  EXPECT_EQ(c->http_port, 8080);
  EXPECT_EQ(c->timeout, seconds(10));
  EXPECT_FALSE(plan.Next(clock.Now()));
}

TEST(ReattachPlanTest, SelfSkippedByIdAndByAddressPortInEveryLayer) {
  FakeClock clock;
  const NodeInfo by_id{"me", "10.0.0.1", 0, 8080};
  const NodeInfo by_addr{"other-name", "10.0.0.9", 0, 8080};
  const NodeInfo other_port{"x", "10.0.0.9", 0, 8081};
  ReattachPlan plan(kSelf, {}, {by_id, by_addr}, {by_id, by_addr, other_port},
                    {"10.0.0.9:8080", "[::1]:7000"});
  EXPECT_EQ(Ids(plan, clock), (std::vector<std::string>{"x", "seed-[::1]:7000"}));
}

TEST(ReattachPlanTest, CachedLayerBoundedByThirtySecondsCheckedBeforeEachAttempt) {
  FakeClock clock;
  std::vector<NodeInfo> cached;
  for (int i = 0; i < 10; ++i) cached.push_back(NodeInfo{"c" + std::to_string(i), "h", 0, 1});
  ReattachPlan plan(kSelf, {}, {}, cached, {"s:1"});
  // Every attempt uses its full 5 s: attempts start at 0,5,...,25 s; the one at 30 s is skipped.
  EXPECT_EQ(Ids(plan, clock, seconds(5)),
            (std::vector<std::string>{"c0", "c1", "c2", "c3", "c4", "c5", "seed-s:1"}));
}

TEST(ReattachPlanTest, RedirectAlternativesAppendedOnceToTheCurrentLayerAtMostFive) {
  FakeClock clock;
  ReattachPlan plan(kSelf, {}, {}, {NodeInfo{"c1", "h", 0, 1}}, {"s:1"});
  EXPECT_EQ(plan.Next(clock.Now())->id, "c1");
  std::vector<NodeInfo> alts;
  for (int i = 0; i < 7; ++i) alts.push_back(NodeInfo{"r" + std::to_string(i), "h", 0, 2});
  plan.AddRedirectAlternatives(alts);
  plan.AddRedirectAlternatives({NodeInfo{"again", "h", 0, 3}});
  std::optional<Candidate> c = plan.Next(clock.Now());
  EXPECT_EQ(c->layer, CandidateLayer::kCached);
  EXPECT_EQ(c->timeout, seconds(5));
  EXPECT_EQ(Ids(plan, clock), (std::vector<std::string>{"r1", "r2", "r3", "r4", "seed-s:1"}));
}

TEST(BackoffTest, DoublesToTheCapAndResets) {
  Backoff backoff{ReattachTimings{}};
  std::vector<int64_t> got;
  for (int i = 0; i < 6; ++i) {
    got.push_back(std::chrono::duration_cast<seconds>(backoff.Next()).count());
  }
  EXPECT_EQ(got, (std::vector<int64_t>{5, 10, 20, 40, 60, 60}));
  backoff.Reset();
  EXPECT_EQ(backoff.Next(), seconds(5));
}

TEST(ChildRegistryTest, CapacityRules) {
  ChildRegistry children;
  EXPECT_TRUE(children.AtCapacity(0));
  EXPECT_FALSE(children.AtCapacity(1));
  EXPECT_FALSE(children.AtCapacity(-1));
  children.Register("a", "default", std::make_shared<FakeLink>());
  EXPECT_TRUE(children.AtCapacity(1));
  EXPECT_FALSE(children.AtCapacity(2));
  EXPECT_FALSE(children.AtCapacity(-1));
}

TEST(ChildRegistryTest, DuplicateReplacesAndOnlyTheCurrentConnectionRemoves) {
  ChildRegistry children;
  auto old_link = std::make_shared<FakeLink>();
  auto new_link = std::make_shared<FakeLink>();
  EXPECT_EQ(children.Register("a", "default", old_link), nullptr);
  EXPECT_EQ(children.Register("a", "default", new_link), old_link);
  EXPECT_FALSE(children.Remove("a", old_link.get()));  // the replaced one's close handler
  ASSERT_NE(children.Find("a"), nullptr);
  EXPECT_EQ(children.Find("a")->link, new_link);
  EXPECT_TRUE(children.Remove("a", new_link.get()));
  EXPECT_EQ(children.size(), 0u);
}

TEST(ChildRegistryTest, InEnclaveExcludesOriginatorAndOtherEnclaves) {
  ChildRegistry children;
  auto a = std::make_shared<FakeLink>();
  auto b = std::make_shared<FakeLink>();
  auto c = std::make_shared<FakeLink>();
  children.Register("a", "default", a);
  children.Register("b", "default", b);
  children.Register("c", "other", c);
  const std::vector<std::shared_ptr<WsLink>> got = children.InEnclave("default", "a");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], b);
}

TEST(AckRoutesTest, RouteLivesForItsLifetimeAndSurvivesUse) {
  FakeClock clock;
  AckRoutes routes(seconds(5), 100);
  auto link = std::make_shared<FakeLink>();
  routes.Add("m1", link, clock.Now());
  EXPECT_EQ(routes.Find("m1", clock.Now()), link);
  clock.Advance(seconds(4));
  EXPECT_EQ(routes.Find("m1", clock.Now()), link);  // still there after a first ACK
  clock.Advance(seconds(1));
  EXPECT_EQ(routes.Find("m1", clock.Now()), nullptr);
  EXPECT_EQ(routes.size(), 0u);
  EXPECT_EQ(routes.Find("unknown", clock.Now()), nullptr);
}

TEST(AckRoutesTest, ReplacementRenewsAndClosedLinksDoNotRoute) {
  FakeClock clock;
  AckRoutes routes(seconds(5), 100);
  auto first = std::make_shared<FakeLink>();
  auto second = std::make_shared<FakeLink>();
  routes.Add("m1", first, clock.Now());
  clock.Advance(seconds(3));
  routes.Add("m1", second, clock.Now());
  clock.Advance(seconds(3));
  EXPECT_EQ(routes.Find("m1", clock.Now()), second);
  second->open = false;
  EXPECT_EQ(routes.Find("m1", clock.Now()), nullptr);
}

TEST(AckRoutesTest, SizeBoundDropsTheOldest) {
  FakeClock clock;
  AckRoutes routes(seconds(5), 3);
  auto link = std::make_shared<FakeLink>();
  for (int i = 0; i < 5; ++i) routes.Add("m" + std::to_string(i), link, clock.Now());
  EXPECT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes.Find("m1", clock.Now()), nullptr);
  EXPECT_EQ(routes.Find("m2", clock.Now()), link);
  EXPECT_EQ(routes.Find("m4", clock.Now()), link);
}

TEST(HeartbeatTest, TerminatesOnTheFourthSilentTickAndPongResets) {
  Heartbeat heartbeat;
  EXPECT_EQ(heartbeat.Tick(), Heartbeat::Action::kPing);
  EXPECT_EQ(heartbeat.Tick(), Heartbeat::Action::kPing);
  heartbeat.OnPong();
  EXPECT_EQ(heartbeat.Tick(), Heartbeat::Action::kPing);
  EXPECT_EQ(heartbeat.Tick(), Heartbeat::Action::kPing);
  EXPECT_EQ(heartbeat.Tick(), Heartbeat::Action::kPing);
  EXPECT_EQ(heartbeat.Tick(), Heartbeat::Action::kTerminate);
}

}  // namespace
}  // namespace repram::tree
