#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>

#include "sim/event_loop.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/simulation.h"

namespace repram::sim {
namespace {

using std::chrono::milliseconds;

Scenario Load(const std::string& name) {
  return LoadScenario(std::string(REPRAM_SIM_SCENARIOS) + "/" + name);
}

RunResult RunScenario(Scenario scenario, uint64_t seed = 1) {
  spdlog::set_level(spdlog::level::off);
  Simulation simulation(std::move(scenario), seed);
  return simulation.Run();
}

std::string Csv(const RunResult& result) {
  std::ostringstream out;
  WriteSummaryCsv(result.summary, out);
  WriteTimeSeriesCsv(result.series, out);
  return out.str();
}

TEST(EventLoopTest, RunsEventsInTimeOrderAndFifoAtEqualTimes) {
  EventLoop loop;
  std::string order;
  loop.Post(milliseconds(20), [&] { order += 'c'; });
  loop.Post(milliseconds(10), [&] { order += 'a'; });
  loop.Post(milliseconds(10), [&] { order += 'b'; });
  auto cancelled = loop.After(milliseconds(15), [&] { order += 'x'; });
  cancelled.reset();
  loop.RunUntil(milliseconds(15));
  EXPECT_EQ(order, "ab");
  EXPECT_EQ(loop.Elapsed(), milliseconds(15));
  loop.RunUntil(milliseconds(30));
  EXPECT_EQ(order, "abc");
  EXPECT_EQ(loop.events_run(), 3u);
}

TEST(EventLoopTest, EventsScheduledByEventsRunWithinTheWindow) {
  EventLoop loop;
  int runs = 0;
  std::unique_ptr<Scheduler::Task> task;
  std::function<void()> tick = [&] {
    ++runs;
    task = loop.After(milliseconds(10), tick);
  };
  task = loop.After(milliseconds(10), tick);
  loop.RunUntil(milliseconds(55));
  EXPECT_EQ(runs, 5);
}

TEST(ScenarioTest, RejectsUnknownKeys) {
  EXPECT_THROW(ParseScenario(R"({"nodes": 3, "nodse": 4})"), std::runtime_error);
  EXPECT_THROW(ParseScenario(R"({"network": {"los": 0.1}})"), std::runtime_error);
  EXPECT_EQ(ParseScenario(R"({"nodes": 7, "cluster": {"ping_interval_s": 2}})").nodes, 7u);
  EXPECT_THROW(ParseScenario(R"({"transients": {"cuont": 3}})"), std::runtime_error);
  EXPECT_THROW(ParseScenario(R"({"events": [{"at_s": 1, "type": "crash", "target": "x"}]})"),
               std::runtime_error);
  EXPECT_THROW(ParseScenario(R"({"nodes": 2, "transients": {"count": 1, "substrates": 3}})"),
               std::runtime_error);
  const Scenario tree = ParseScenario(R"({"startup_s": 7, "transients": {"count": 4}})");
  EXPECT_EQ(tree.transients.count, 4u);
  EXPECT_EQ(tree.transients.start_s, 7);  // after the mesh started, by default
}

TEST(SimulationTest, SameSeedGivesIdenticalCsv) {
  Scenario scenario = Load("churn.json");
  scenario.nodes = 30;
  scenario.duration_s = 130;
  scenario.network.loss = 0.02;
  const std::string first = Csv(RunScenario(scenario, 7));
  EXPECT_EQ(first, Csv(RunScenario(scenario, 7)));
  EXPECT_NE(first, Csv(RunScenario(scenario, 8)));
}

TEST(SimulationTest, ThreeNodesDeliverEveryWriteWith201) {
  const RunResult result = RunScenario(Load("three-nodes.json"));
  const Summary& s = result.summary;
  ASSERT_GT(s.Get("writes"), 50);
  EXPECT_EQ(s.Get("delivery_ratio_1s"), 1.0);
  EXPECT_EQ(s.Get("delivery_min_1s"), 1.0);
  EXPECT_EQ(s.Get("quorum_202"), 0);
  EXPECT_EQ(s.Get("quorum_201"), s.Get("writes"));
  EXPECT_EQ(s.Get("missing_members_end"), 0);
  EXPECT_EQ(s.Get("false_members_end"), 0);
}

TEST(SimulationTest, PartitionHealsAndMembershipConverges) {
  const RunResult result = RunScenario(Load("partition.json"));
  const Summary& s = result.summary;
  EXPECT_GE(s.Get("convergence_s"), 0);
  EXPECT_LE(s.Get("convergence_s"), 35);
  EXPECT_EQ(s.Get("missing_members_end"), 0);
  EXPECT_GT(s.Get("requests_cut"), 0);  // the partition did cut traffic
  // Writes made during the partition reach only their side at first.
  EXPECT_LT(s.Get("delivery_min_1s"), 1.0);
}

TEST(SimulationTest, LossyNarrowFanoutReportsIncompleteDelivery) {
  const RunResult result = RunScenario(Load("lossy-fanout.json"));
  const Summary& s = result.summary;
  ASSERT_GT(s.Get("writes"), 10);
  EXPECT_LT(s.Get("delivery_ratio_30s"), 1.0);
  EXPECT_GT(s.Get("requests_lost"), 0);
}

TEST(SimulationTest, AntiEntropyRepairsWhatLossDropped) {
  Scenario scenario = Load("lossy-fanout.json");
  scenario.network.loss = 0.2;
  scenario.anti_entropy_interval_s = 2;
  const RunResult result = RunScenario(scenario);
  const Summary& s = result.summary;
  EXPECT_LT(s.Get("delivery_ratio_1s"), 1.0);  // the epidemic path alone leaves gaps
  EXPECT_EQ(s.Get("delivery_ratio_30s"), 1.0);
  EXPECT_GT(s.Get("anti_entropy_requests_per_node_s"), 0);
}

// tree-small.json with one substrate (not the root) crashing at 8 s, writes from 10 s on.
Scenario TreeWithSubstrateCrash() {
  Scenario scenario = Load("tree-small.json");
  scenario.writes.start_s = 10;
  Event crash;
  crash.kind = Event::Kind::kCrash;
  crash.target = Event::Target::kSubstrate;
  crash.at_s = 8;
  crash.count = 1;
  scenario.events.push_back(crash);
  return scenario;
}

TEST(SimulationTest, TransientsAndMeshGetEveryWrite) {
  const RunResult result = RunScenario(Load("tree-small.json"));
  const Summary& s = result.summary;
  ASSERT_GT(s.Get("writes"), 10);  // by the 3 substrates
  ASSERT_GT(s.Get("transient_writes"), 20);
  EXPECT_EQ(s.Get("transients_attached_end"), 6);
  // Every mesh write reaches every mesh node and every transient within 1 s ...
  EXPECT_EQ(s.Get("delivery_min_1s"), 1.0);
  EXPECT_EQ(s.Get("mesh_to_transients_delivery_min_1s"), 1.0);
  // ... and so does every transient's write (over its parent: the transients are behind NAT).
  EXPECT_EQ(s.Get("transient_delivery_min_1s"), 1.0);
  EXPECT_GT(s.Get("requests_nat_dropped"), 0);
  EXPECT_EQ(s.Get("quorum_201"), s.Get("writes"));
  EXPECT_EQ(s.Get("transient_quorum_201"), s.Get("transient_writes"));
  EXPECT_GT(s.Get("tree_frames_per_s"), 0);
}

TEST(SimulationTest, TransientsOfACrashedSubstrateReattachElsewhere) {
  const RunResult result = RunScenario(TreeWithSubstrateCrash());
  const Summary& s = result.summary;
  // Its two children (spread seeds: two per substrate) lost their parent and found another.
  EXPECT_EQ(s.Get("transient_reattaches"), 2);
  EXPECT_LT(s.Get("transient_reattach_max_s"), 1.0);
  EXPECT_EQ(s.Get("transients_attached_end"), 6);
  EXPECT_EQ(s.Get("substrate_children_max_end"), 4);  // 6 children on the 2 substrates left
  // Later writes still reach everyone.
  EXPECT_EQ(s.Get("mesh_to_transients_delivery_min_1s"), 1.0);
  EXPECT_EQ(s.Get("transient_delivery_min_1s"), 1.0);
  EXPECT_EQ(s.Get("transient_quorum_202"), 0);
}

TEST(SimulationTest, TransientsOfASubstrateThatLeavesFollowItsGoodbye) {
  Scenario scenario = TreeWithSubstrateCrash();
  scenario.events.back().kind = Event::Kind::kLeave;
  const RunResult result = RunScenario(scenario);
  const Summary& s = result.summary;
  EXPECT_EQ(s.Get("transient_reattaches"), 2);
  EXPECT_EQ(s.Get("transients_attached_end"), 6);
  EXPECT_EQ(s.Get("mesh_to_transients_delivery_min_1s"), 1.0);
  EXPECT_EQ(s.Get("transient_delivery_min_1s"), 1.0);
}

TEST(SimulationTest, CatchUpGivesReattachedTransientsWhatTheyMissed) {
  Scenario scenario = TreeWithSubstrateCrash();
  scenario.writes.start_s = 5;  // writes keep coming while the orphans reattach
  scenario.writes.rate = 20;
  const RunResult without = RunScenario(scenario);
  scenario.catchup = true;
  const RunResult with = RunScenario(scenario);
  // Without catch-up what was pushed during the reattach never reaches the orphans ...
  EXPECT_LT(without.summary.Get("mesh_to_transients_delivery_min_5s") *
                without.summary.Get("transient_delivery_min_5s"),
            1.0);
  // ... with it, each reattach pulls it from the new parent.
  EXPECT_EQ(with.summary.Get("transient_reattaches"), 2);
  EXPECT_EQ(with.summary.Get("mesh_to_transients_delivery_min_5s"), 1.0);
  EXPECT_EQ(with.summary.Get("transient_delivery_min_5s"), 1.0);
  EXPECT_GT(with.summary.Get("catchup_requests"), 0);
}

TEST(SimulationTest, HeartbeatDeathDetachesTransientsCutOffFromTheirParents) {
  Scenario scenario = Load("tree-small.json");
  scenario.duration_s = 260;
  scenario.writes.rate = 0;
  Event partition;  // slots 0-2 (the substrates) | 3-8 (the transients): links go silent
  partition.kind = Event::Kind::kPartition;
  partition.at_s = 10;
  partition.groups = {1, 2};
  Event heal;
  heal.at_s = 170;
  scenario.events = {partition, heal};
  const RunResult result = RunScenario(scenario);
  // No close reaches anyone: 4 silent heartbeat ticks (~120 s) terminate each parent link, the
  // reattach loop keeps failing until the heal, then every transient is welcomed again.
  const std::vector<std::string>& columns = result.series.columns;
  const auto attached = std::find(columns.begin(), columns.end(), "transients_attached");
  ASSERT_NE(attached, columns.end());
  const auto column = static_cast<size_t>(attached - columns.begin());
  EXPECT_EQ(result.series.rows[100][column], 6);  // t = 101 s: still attached
  EXPECT_EQ(result.series.rows[159][column], 0);  // t = 160 s: every link timed out
  EXPECT_EQ(result.summary.Get("transient_reattaches"), 6);
  EXPECT_EQ(result.summary.Get("transients_attached_end"), 6);
}

TEST(SimulationTest, SameSeedGivesIdenticalCsvWithTransients) {
  const Scenario scenario = TreeWithSubstrateCrash();
  const std::string first = Csv(RunScenario(scenario, 3));
  EXPECT_EQ(first, Csv(RunScenario(scenario, 3)));
  EXPECT_NE(first, Csv(RunScenario(scenario, 4)));
}

TEST(SimulationTest, Smoke1000NodesOneMinute) {
  const auto start = std::chrono::steady_clock::now();
  const RunResult result = RunScenario(Load("smoke-1000.json"));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Summary& s = result.summary;
  EXPECT_EQ(s.Get("nodes"), 1000);
  EXPECT_EQ(s.Get("writes"), 7);  // one every 2 s from 10 s, before the partition
  EXPECT_EQ(s.Get("delivery_ratio_5s"), 1.0);
  EXPECT_EQ(s.Get("quorum_202"), 0);
  EXPECT_GT(s.Get("requests_cut"), 0);
  EXPECT_GE(s.Get("convergence_s"), 0);
  EXPECT_EQ(s.Get("missing_members_end"), 0);
  RecordProperty("wall_s", std::to_string(wall));
}

}  // namespace
}  // namespace repram::sim
