#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "util/prometheus.h"

namespace repram {

// A peer as /v1/topology shows it.
struct PeerView {
  std::string id;
  std::string address;
  uint16_t http_port = 0;
  std::string enclave;
};

// What the client API needs from the cluster: replicate a write that is already stored
// locally, and show the membership. Implemented over cluster::ClusterNode (cluster_adapter.h);
// handler tests use a fake. Thread-safe.
class ClusterPort {
 public:
  virtual ~ClusterPort() = default;
  // Broadcasts a locally stored write and calls done(quorum_reached) once: true as soon as the
  // quorum is observed, false after REPRAM_WRITE_TIMEOUT. May call done synchronously.
  virtual void Replicate(std::string_view key, std::string_view value, int64_t ttl,
                         std::function<void(bool quorum)> done) = 0;
  // Returns every known peer (all enclaves, never self), sorted by id.
  virtual std::vector<PeerView> Peers() const = 0;
  // Appends the cluster's metric families.
  virtual void RenderMetrics(PrometheusWriter& w) const = 0;
};

}  // namespace repram
