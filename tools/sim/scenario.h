#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cluster/cluster_config.h"

namespace repram::sim {

// Per-link latency and the other properties of the simulated network.
struct NetworkModel {
  // One-way latency is log-normal: each link draws its own median from a log-normal around
  // median_ms (spread link_sigma), and each message then draws around its link's median with
  // the sigma that puts the 99th percentile at p99_ms / median_ms times the median.
  double median_ms = 20;
  double p99_ms = 100;
  double link_sigma = 0.5;
  double loss = 0;             // probability that a request is lost (the sender times out)
  double service_us = 20;      // time a node spends on one inbound request (its queue drains)
  double timeout_s = 5;        // a lost or black-holed request fails after this
  double congestion_ms = 500;  // Transport::Congested once a node's backlog exceeds this
};

// The client writes.
struct Workload {
  double rate = 0;           // writes per simulated second (evenly spaced)
  double start_s = 10;       // first write
  double stop_s = 0;         // last write before this (0 = until the end)
  size_t key_bytes = 16;     // key length (a unique prefix, padded)
  size_t value_bytes = 100;  // value length
  int64_t ttl_s = 600;
  size_t originators = 0;  // writes rotate over the first k nodes (0 = all nodes)
};

// WebSocket transients attached to substrates (ws-tree.md).
struct TransientModel {
  size_t count = 0;          // transients, slots after the mesh nodes (0: no tree simulated)
  size_t substrates = 1;     // mesh nodes 0..substrates-1 serve /v1/ws (REPRAM_INBOUND=true)
  double start_s = -1;       // first transient start (< 0: the scenario's startup_s)
  double startup_s = 5;      // transient starts are spread evenly over this window
  int max_children = 100;    // REPRAM_MAX_CHILDREN of every substrate
  bool nat = true;           // HTTP requests to a transient black-hole (it is behind NAT)
  bool spread_seeds = true;  // transient j's seed list starts at substrate j % substrates
};

// Something that happens at a given simulated time.
struct Event {
  enum class Kind { kPartition, kHeal, kIsolateAll, kCrash, kLeave, kJoin, kRestart };
  // Who crash / leave / restart pick from: any non-root mesh node, substrates only, transients.
  enum class Target { kMesh, kSubstrate, kTransient };
  Kind kind = Kind::kHeal;
  Target target = Target::kMesh;
  double at_s = 0;
  std::vector<double> groups;  // kPartition: shares of the nodes per side, in node order
  size_t count = 0;            // kCrash, kLeave, kJoin, kRestart: how many nodes
};

// One simulation, read from a JSON file (tools/sim/scenarios/*.json; README.md lists the keys).
struct Scenario {
  std::string name;
  size_t nodes = 3;
  size_t roots = 1;     // nodes 0..roots-1 are the seeds everyone bootstraps and recovers from
  size_t enclaves = 1;  // node i is in enclave i % enclaves ("default" when there is one)
  double duration_s = 60;
  double startup_s = 5;  // node starts are spread evenly over this window
  double sample_s = 5;   // interval of the peer-map accuracy samples (1 s after a heal)
  bool recovery = true;  // nodes get the roots as isolation-recovery seeds
  bool jitter = true;    // false: the recovery backoff has no jitter (u = 0)
  // Anti-entropy rounds (cluster.md §12.1) with a TtlStore per node; 0 = not simulated.
  double anti_entropy_interval_s = 0;
  // Catch-up (cluster.md §12): every node gets a TtlStore it serves /v1/catchup from and pulls
  // into (at start-up, after isolation recovery, on a transient after each attach).
  bool catchup = false;
  cluster::ClusterConfig cluster;  // node_id, address, ports and seeds are set per node
  NetworkModel network;
  Workload writes;
  TransientModel transients;
  std::vector<Event> events;  // sorted by at_s
};

// Parses a scenario document. Throws std::runtime_error naming the offending key.
Scenario ParseScenario(const std::string& json_text);
// Reads and parses a scenario file. Throws std::runtime_error.
Scenario LoadScenario(const std::string& path);

}  // namespace repram::sim
