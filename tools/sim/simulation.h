#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "cluster/cluster_node.h"
#include "sim/delivery.h"
#include "sim/event_loop.h"
#include "sim/network.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/sim_rng.h"
#include "sim/ws_net.h"

namespace repram::sim {

// What one run measured.
struct RunResult {
  Summary summary;      // one value per measure (summary.csv)
  TimeSeries series;    // one row per simulated second (timeseries.csv)
  uint64_t events = 0;  // events the loop ran
};

// Runs one scenario: N real cluster::ClusterNodes, each with its own SimRng and store, over the
// simulated Network on one EventLoop (their Scheduler and Clock). Nodes 0..roots-1 are the seeds
// (the omega roots of a public network, or REPRAM_PEERS); the others start spread over
// startup_s and bootstrap from them; with `recovery` the roots are also every node's isolation
// recovery seeds. Gossip is handled the way the HTTP routes would (open mode: no cluster secret,
// since the HMAC does not change what the protocol does). The run is a pure function of the
// scenario and the seed. Single-threaded.
// With transients (scenario.transients), mesh nodes 0..substrates-1 are substrates (their
// WsRelay is a real tree::Substrate) and the transients, slots after the mesh, are nodes whose
// WsRelay is a real tree::Transient dialing the substrates over WsNet, wired as app/node.cc does.
class Simulation {
 public:
  // progress: print one line per simulated second (wall time, events, peak RSS) to stderr.
  Simulation(Scenario scenario, uint64_t seed, bool progress = false);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Runs the scenario to its end and returns the measures. Call once.
  RunResult Run();

 private:
  class Store;
  class RootSeeds;
  struct Incarnation;
  struct Member;
  enum class Role { kMesh, kSubstrate, kTransient };
  // Where a write (by its key's index) is followed: mesh writes in delivery_ (mesh holders) and
  // to_transients_ (transient holders), transients' writes in from_transients_ (everyone).
  struct WriteRef {
    bool by_transient = false;
    size_t index = 0;       // in delivery_ or from_transients_
    size_t transients = 0;  // in to_transients_ (mesh writes, when there are transients)
  };

  // Creates slot i's node (id node-<i> / transient-<j>, -r<k> after restarts) and starts it.
  void StartMember(size_t i);
  // Stops slot i's node and keeps it (and what it refers to) until the end of the run. Gracefully
  // (substrates send goodbyes, links close) or not (its links drop, peers see 1006).
  void StopMember(size_t i, bool graceful);
  size_t AddMember(Role role);
  void Apply(const Event& event);
  // Returns `count` distinct random live non-root slots of target (fewer when there are not
  // enough).
  std::vector<size_t> PickVictims(size_t count, Event::Target target);
  // The seeds of transient slot i: the substrates, from substrate j % k with spread_seeds.
  std::vector<std::string> TransientSeeds(size_t i) const;
  // A link event reached transient slot i: records its attach / detach times.
  void WatchParent(size_t i);

  cluster::TransportResult Handle(size_t to, const cluster::OutboundRequest& req);
  void Write(size_t k);
  // A node (a transient or not) stored write w for the first time.
  void OnHeld(size_t w, bool transient, double t_s);
  void OnQuorum(size_t w, bool quorum);
  void Checkpoint(size_t w, size_t c, const std::string& enclave, double written_s);
  // Appends the transient measures.
  void SummarizeTree(Summary& s);
  cluster::TransportResult HandleAntiEntropy(Incarnation& inc, const cluster::OutboundRequest& req);
  void Sample(size_t second);
  // Peer-map accuracy over live nodes: mean false and missing members per node.
  std::array<double, 2> Accuracy();
  void Summarize(RunResult& out);

  double Now() const;

  const Scenario scenario_;
  const uint64_t seed_;
  const bool progress_;
  EventLoop loop_;
  Network network_;
  SimRng rng_;  // victims of churn events
  std::unique_ptr<RootSeeds> seeds_;
  std::vector<std::string> root_seeds_;
  std::vector<std::unique_ptr<Member>> members_;
  std::vector<std::unique_ptr<Incarnation>> retired_;
  std::unique_ptr<WsNet> ws_;
  std::vector<WriteRef> writes_;  // by write index (the key's)
  DeliveryTracker delivery_;
  DeliveryTracker to_transients_;
  DeliveryTracker from_transients_;
  std::vector<double> attach_s_;    // transient start to first attach
  std::vector<double> reattach_s_;  // parent lost to reattached
  uint64_t last_frames_ = 0;
  TimeSeries series_;

  // Counters kept by the handler and the sampler.
  std::vector<uint64_t> bootstrap_by_slot_;  // bootstrap requests handled, this second
  uint64_t bootstrap_total_ = 0;
  uint64_t anti_entropy_requests_ = 0;  // digest, diff and push requests handled
  uint64_t anti_entropy_bytes_ = 0;     // their request and answer bodies
  uint64_t catchup_requests_ = 0;       // catch-up pages served
  double bootstrap_max_root_s_ = 0;     // the busiest root's busiest second
  std::array<uint64_t, cluster::kMessageTypeCount> retired_sent_{};
  uint64_t retired_recoveries_ = 0;
  uint64_t retired_recovery_failures_ = 0;
  std::array<uint64_t, cluster::kMessageTypeCount> last_sent_{};
  std::array<uint64_t, cluster::kMessageTypeCount> steady_sent_{};  // after start-up
  double steady_node_seconds_ = 0;
  double last_heal_s_ = -1;
  double converged_s_ = -1;  // first sample after the last heal with no missing member
  double recovered_s_ = -1;  // first second after the last heal with no isolated node
  double last_false_ = 0;
  double last_missing_ = 0;
  double next_accuracy_s_ = 0;
};

}  // namespace repram::sim
