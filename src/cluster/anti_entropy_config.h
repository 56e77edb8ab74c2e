#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "util/clock.h"

namespace repram::cluster {

// Settings of anti-entropy (cluster.md §12.1).
struct AntiEntropyConfig {
  std::string node_id;
  std::string enclave = "default";               // normalized
  std::string secret;                            // REPRAM_CLUSTER_SECRET; empty = open mode
  Duration interval = std::chrono::seconds(60);  // REPRAM_ANTI_ENTROPY_INTERVAL; 0 = no rounds
  // Period of the timer that starts periodic rounds and notices its own lateness (a frozen or
  // starved process): min(interval, ping interval) in the node.
  Duration tick = std::chrono::seconds(30);
};

// Counters of anti-entropy, rendered into /v1/metrics. Any thread may update or read them.
struct AntiEntropyMetrics {
  std::atomic<uint64_t> rounds_equal{0};     // digests matched
  std::atomic<uint64_t> rounds_repaired{0};  // differing buckets were reconciled
  std::atomic<uint64_t> rounds_failed{0};    // transport error, non-200, malformed answer
  std::atomic<uint64_t> entries_pulled{0};   // entries this node stored from a peer
  std::atomic<uint64_t> entries_pushed{0};   // entries a peer stored from this node's pushes
  std::atomic<uint64_t> digest_bytes{0};     // digest request + answer bodies of our rounds
};

// How a round ended.
enum class RoundOutcome { kEqual, kRepaired, kFailed, kUpstream };

}  // namespace repram::cluster
