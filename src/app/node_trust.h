#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "cluster/cluster_config.h"
#include "cluster/seed_provider.h"
#include "trust/trust_service.h"
#include "util/prometheus.h"
#include "util/scheduler.h"

namespace repram {

// Where a node's seeds and root status come from (trust.md §1, cluster.md §7.4).
enum class SeedSource {
  kNone,   // private network without REPRAM_PEERS: first node, recovery disabled, no gate
  kPeers,  // REPRAM_PEERS (any network): static seeds; on the public network never a root
  kOmega,  // public network without REPRAM_PEERS: the verified omega list
};

// Returns the seed source the configuration selects.
SeedSource SeedSourceOf(const Config& config);

// The node's side of the trust module: picks the seed source, runs the omega start-up flow
// (trust.md §9) and serves the cluster's seams: startup seeds, isolation-recovery seeds, the
// bootstrap gate, on-demand refreshes, and the omega gauges. Only kOmega holds a TrustService.
// Thread-safety: Establish, Start and Stop from the main thread; the rest from any thread once
// Establish succeeded.
class NodeTrust {
 public:
  // REQUIRES: config outlives this object.
  explicit NodeTrust(const Config& config);
  // Stops the refresher.
  ~NodeTrust();
  NodeTrust(const NodeTrust&) = delete;
  NodeTrust& operator=(const NodeTrust&) = delete;

  // Establishes the trust root for a node advertised as REPRAM_ADDRESS:http_port: kOmega checks
  // the key and fetches the signed list (blocking, up to the 10 s DNS deadline, cache fallback);
  // public kPeers logs the skip warning. Returns false when start-up must fail; the fatal lines
  // ("Omega bootstrap failed: ...") are already logged. Call once, before the I/O threads run.
  bool Establish(uint16_t http_port);
  // Starts the omega refresher on scheduler (kOmega only). REQUIRES: Establish succeeded;
  // scheduler outlives Stop().
  void Start(Scheduler& scheduler);
  // Stops the refresher and cancels DNS work in flight. Idempotent.
  void Stop();

  // Returns the startup seeds "host:http_port": REPRAM_PEERS, the verified omega nodes, or none.
  std::vector<std::string> StartupSeeds() const;
  // Returns the isolation-recovery seed provider (nullptr = recovery disabled). The omega one
  // reads the refresher's current list at every call.
  cluster::SeedProvider* recovery_seeds() const { return recovery_seeds_.get(); }
  // Sets the bootstrap gate (public network: 403 unless a root, read live) and, for kOmega, the
  // on-demand refresh hook.
  void AddHooks(cluster::ClusterHooks& hooks) const;
  // Appends repram_omega_last_refresh_unix_seconds and repram_omega_root.
  void RenderMetrics(PrometheusWriter& w) const;

 private:
  const Config& config_;
  const SeedSource source_;
  std::unique_ptr<trust::TrustService> service_;  // kOmega, after Establish
  std::unique_ptr<cluster::SeedProvider> recovery_seeds_;
};

}  // namespace repram
