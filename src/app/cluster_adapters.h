#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/cluster_port.h"
#include "cluster/anti_entropy.h"
#include "cluster/cluster_node.h"
#include "cluster/replica_store.h"
#include "cluster/transport.h"
#include "http/client.h"
#include "http/route_table.h"
#include "store/ttl_store.h"

namespace repram {

// cluster::Transport over the keep-alive HttpClient (5 s timeout, non-2xx = failure).
class HttpTransport final : public cluster::Transport {
 public:
  explicit HttpTransport(http::HttpClient& client) : client_(client) {}
  void Post(cluster::OutboundRequest req,
            std::function<void(cluster::TransportResult)> done) override;
  bool Congested(const std::string& host, uint16_t port) const override {
    return client_.Congested(host, port);
  }

 private:
  http::HttpClient& client_;
};

// cluster::ReplicaStore over the node's TtlStore.
class StoreReplicaSink final : public cluster::ReplicaStore {
 public:
  explicit StoreReplicaSink(TtlStore& store) : store_(store) {}
  Status Put(std::string_view key, std::string_view value, int64_t ttl_seconds) override {
    return store_.Put(key, value, ttl_seconds);
  }

 private:
  TtlStore& store_;
};

// ClusterPort (what the client API needs) over cluster::ClusterNode.
class ClusterNodePort final : public ClusterPort {
 public:
  explicit ClusterNodePort(cluster::ClusterNode& node) : node_(node) {}
  void Replicate(std::string_view key, std::string_view value, int64_t ttl,
                 std::function<void(bool)> done) override {
    node_.ReplicateWrite(key, value, ttl, std::move(done));
  }
  std::vector<PeerView> Peers() const override;
  void RenderMetrics(PrometheusWriter& w) const override { w.Raw(node_.RenderMetrics()); }

 private:
  cluster::ClusterNode& node_;
};

// Adds POST /v1/gossip/message, /v1/gossip/batch, /v1/bootstrap and /v1/catchup (peer bucket, 16
// MiB) served by node; /v1/catchup is answered later, from the node's background executor.
void AddPeerRoutes(http::RouteTable& routes, cluster::ClusterNode& node);

// Adds POST /v1/antientropy/digest, /diff and /push (peer bucket, 16 MiB) served by ae.
void AddAntiEntropyRoutes(http::RouteTable& routes, cluster::AntiEntropy& ae);

}  // namespace repram
