#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/cluster_node.h"
#include "cluster/testing/fake_rng.h"
#include "cluster/testing/list_seed_provider.h"
#include "cluster/testing/memory_store.h"
#include "util/fake_clock.h"
#include "util/fake_scheduler.h"

namespace repram::cluster::testing {

// N ClusterNodes wired over an in-memory network on one FakeClock + FakeScheduler. A POST is
// delivered `latency` after it was sent: the target's handler runs then and the sender's
// completion gets the reply at the same instant. Node i is "node-<i>" at 10.0.<i/250>.<i%250+1>
// with HTTP port 8080; nodes 1..N-1 bootstrap from node 0. Faults: a node can be marked down
// (requests to it fail with a transport error, like a NAT'd node), cut off (its requests fail
// too) or restarted under a new id at the same address.
// Single-threaded, like FakeScheduler.
class InProcessCluster {
 public:
  struct Options {
    size_t nodes = 3;
    ClusterConfig base;  // shared settings; id, address, ports and seeds are set per node
    Duration latency = std::chrono::milliseconds(1);
    uint64_t rng_seed = 1;
    bool recovery_seeds = false;  // give every node a ListSeedProvider holding node 0
  };

  explicit InProcessCluster(Options options);
  ~InProcessCluster();

  // Starts node 0, then every other node with node 0 as its seed, and lets the joins settle.
  void StartAll();
  // Advances the shared clock by d, delivering messages and running timers on the way.
  void RunFor(Duration d);

  size_t size() const { return members_.size(); }
  ClusterNode& node(size_t i) { return *members_[i]->node; }
  MemoryStore& store(size_t i) { return *members_[i]->store; }
  ListSeedProvider& seeds(size_t i) { return *members_[i]->provider; }
  // Returns node i's seed string "address:8080".
  std::string Seed(size_t i) const;
  FakeClock& clock() { return clock_; }
  FakeScheduler& scheduler() { return scheduler_; }

  // Marks node i unreachable for inbound requests (true) or reachable again (false).
  void SetDown(size_t i, bool down) { members_[i]->down = down; }
  // Cuts node i off in both directions (true) or reconnects it (false).
  void SetCut(size_t i, bool cut) { members_[i]->cut = cut; }
  // Stops node i and starts a fresh node with id new_id at the same address, bootstrapping
  // from seeds.
  void Restart(size_t i, const std::string& new_id, std::vector<std::string> seeds);

  // Returns how many gossip messages of a wire type were delivered (all nodes) since the last
  // ResetCounts(); an empty type counts every type.
  size_t Delivered(const std::string& type = "") const;
  void ResetCounts() { delivered_.clear(); }

 private:
  class Link;
  struct Member {
    std::unique_ptr<Link> link;
    std::unique_ptr<MemoryStore> store;
    std::unique_ptr<ListSeedProvider> provider;
    std::unique_ptr<SeededRng> rng;
    std::unique_ptr<ClusterNode> node;
    bool down = false;
    bool cut = false;
  };

  void Build(size_t i, const std::string& id, std::vector<std::string> seeds);
  void Deliver(size_t from, OutboundRequest req, std::function<void(TransportResult)> done);

  const Options options_;
  FakeClock clock_;
  FakeScheduler scheduler_{clock_};
  uint64_t next_delivery_ = 0;
  std::map<uint64_t, std::unique_ptr<Scheduler::Task>> deliveries_;
  std::map<std::string, size_t> delivered_;
  std::vector<std::unique_ptr<Member>> members_;
};

}  // namespace repram::cluster::testing
