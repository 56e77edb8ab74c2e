#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cluster_port.h"
#include "app/data_service.h"
#include "http/http_metrics.h"
#include "http/rate_limiter.h"
#include "http/route_table.h"
#include "util/clock.h"

namespace repram {

// Who this node is, as the observability routes report it.
struct NodeIdentity {
  std::string node_id;
  std::string network;  // "public" or "private"
  std::string enclave;
  std::string role = "transient";  // "substrate" with REPRAM_INBOUND
  MonoTime started;
};

// Everything the client routes read. References outlive the route table.
// The WS tree as /v1/topology shows it (http-api.md §8.3).
struct TreeView {
  std::vector<std::pair<std::string, std::string>> children;  // (id, enclave), sorted by id
  std::optional<std::string> parent_id;                       // while a transient is attached
};

struct ClientApiDeps {
  const Clock& clock;
  DataService& data;
  ClusterPort& cluster;
  const http::HttpMetrics& http_metrics;
  const http::RateLimiter& client_limiter;
  const http::RateLimiter& peer_limiter;
  NodeIdentity identity;
  // Appends metric families owned elsewhere (trust gauges, process metrics, ...).
  std::function<void(PrometheusWriter&)> extra_metrics;
  // The tree's children and parent (empty when unset).
  std::function<TreeView()> tree;
};

// Adds the client routes of http-api.md §2 (data, keys, health, status, topology, metrics).
void AddClientRoutes(http::RouteTable& routes, const ClientApiDeps& deps);

}  // namespace repram
