#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cluster/node_info.h"
#include "cluster/replica_store.h"
#include "cluster/seed_provider.h"
#include "cluster/transport.h"
#include "cluster/ws_relay.h"
#include "util/clock.h"
#include "util/rng.h"
#include "util/scheduler.h"

namespace repram {
class TtlStore;
}  // namespace repram

namespace repram::cluster {

// Settings of one node's cluster protocol; the app layer fills them from REPRAM_* variables
// (http-api.md §10) after validating them.
struct ClusterConfig {
  std::string node_id;                // REPRAM_NODE_ID; non-empty
  std::string address = "localhost";  // REPRAM_ADDRESS: advertised host peers dial
  uint16_t http_port = 8080;          // the bound HTTP port (advertised; self-address check)
  uint16_t gossip_port = 9090;        // REPRAM_GOSSIP_PORT: advertised `port` only
  std::string enclave = "default";    // REPRAM_ENCLAVE; empty = "default"
  int replication = 3;                // REPRAM_REPLICATION >= 1: quorum factor
  int64_t min_ttl = 300;              // REPRAM_MIN_TTL: replica TTL floor (also ttl 0/absent)
  int64_t max_ttl = 86400;            // REPRAM_MAX_TTL: replica TTL ceiling
  Duration write_timeout = std::chrono::seconds(5);            // REPRAM_WRITE_TIMEOUT: 201 vs 202
  Duration ping_interval = std::chrono::seconds(30);           // REPRAM_PING_INTERVAL
  Duration sync_interval = std::chrono::seconds(30);           // REPRAM_SYNC_INTERVAL
  Duration isolation_interval = std::chrono::seconds(30);      // REPRAM_ISOLATION_INTERVAL
  Duration isolation_max_backoff = std::chrono::seconds(120);  // REPRAM_ISOLATION_MAX_BACKOFF
  size_t isolation_threshold = 0;  // REPRAM_ISOLATION_THRESHOLD: recover at peers <= this
  size_t full_fanout_max = 32;     // REPRAM_FULL_FANOUT_MAX: full broadcast up to this
  std::string secret;              // REPRAM_CLUSTER_SECRET; empty = open mode
  // REPRAM_GOSSIP_BATCH (the app's default: on): PUTs and ACKs to peers that take them travel in
  // batches (docs/gossip-batch.md); off = every message is its own POST. Off here so the unit
  // tests of single messages see single requests; receiving batches is always on.
  bool gossip_batch = false;
  std::vector<std::string> seeds;  // startup seeds "host:http_port" (REPRAM_PEERS / omega)
};

// What ClusterNode talks to. Every reference must outlive the node.
struct ClusterDeps {
  Scheduler& scheduler;                    // timers; its clock is the node's clock
  Rng& rng;                                // random fanout and recovery jitter
  Transport& transport;                    // peer and seed POSTs
  ReplicaStore& store;                     // replica PUTs
  SeedProvider* recovery_seeds = nullptr;  // isolation recovery seeds; nullptr = disabled
  WsRelay* ws_relay = nullptr;             // WS tree seam; nullptr = no tree
  // Catch-up (§12): the node's store, read by POST /v1/catchup and filled by catch-up passes;
  // nullptr = no catch-up (the route answers 404, no pass runs).
  TtlStore* catchup_store = nullptr;
  // Runs the work of POST /v1/catchup (HMAC, parse, page scan and encoding) off the I/O threads;
  // empty = inline on the caller's thread (tests).
  std::function<void(std::function<void()>)> background = {};
};

// Optional callbacks into the integrator. Called without cluster locks held; they must not call
// ClusterNode::Stop.
struct ClusterHooks {
  // Public network and not a root: POST /v1/bootstrap answers 403 (trust.md §7). Empty = never.
  std::function<bool()> is_public_non_root = {};
  // Public mode only: ask the omega refresher for an immediate, coalesced refresh.
  std::function<void()> request_omega_refresh = {};
  // A peer was evicted: drop its HTTP connection pool.
  std::function<void(const NodeInfo&)> on_peer_evicted = {};
  // A peer came back: an evicted id was added again, or a peer answers again after failed ping
  // rounds (the anti-entropy trigger of §12.1).
  std::function<void(const NodeInfo&)> on_peer_rejoined = {};
};

}  // namespace repram::cluster
