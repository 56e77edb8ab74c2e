#pragma once

#include "app/cluster_port.h"

namespace repram {

// A node with no peers: every write reaches quorum 1 at once.
class StandaloneCluster final : public ClusterPort {
 public:
  void Replicate(const std::string&, const std::string&, int64_t,
                 std::function<void(bool)> done) override {
    done(true);
  }
  std::vector<PeerView> Peers() const override { return {}; }
  void RenderMetrics(http::PrometheusWriter&) const override {}
};

}  // namespace repram
