#pragma once

#include <functional>
#include <string>

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
  std::string role = "transient";  // "substrate" with REPRAM_INBOUND (tree not built yet)
  MonoTime started;
};

// Everything the client routes read. References outlive the route table.
struct ClientApiDeps {
  const Clock& clock;
  DataService& data;
  ClusterPort& cluster;
  const http::HttpMetrics& http_metrics;
  const http::RateLimiter& client_limiter;
  const http::RateLimiter& peer_limiter;
  NodeIdentity identity;
  // Appends metric families owned elsewhere (trust gauges, process metrics, ...).
  std::function<void(http::PrometheusWriter&)> extra_metrics;
};

// Adds the client routes of http-api.md §2 (data, keys, health, status, topology, metrics).
void AddClientRoutes(http::RouteTable& routes, const ClientApiDeps& deps);

}  // namespace repram
