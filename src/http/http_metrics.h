#pragma once

#include <array>
#include <atomic>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/prometheus.h"
#include "http/route_table.h"

namespace repram::http {

// Request counters and latency histograms by route, method and status, plus the middleware
// counters of http-api.md §8.4. Each I/O thread writes only its own shard (relaxed atomics, no
// shared cache lines on the hot path); Render() sums the shards.
class HttpMetrics {
 public:
  // REQUIRES: shards >= 1, one per I/O thread.
  explicit HttpMetrics(size_t shards);

  // Records one answered request on the given shard.
  void RecordRequest(size_t shard, RouteId route, boost::beast::http::verb method,
                     unsigned status, double seconds);

  std::atomic<uint64_t> rate_limited{0};
  std::atomic<uint64_t> peer_rate_limited{0};
  std::atomic<uint64_t> oversized{0};
  std::atomic<uint64_t> suspicious{0};

  // Appends every HTTP series in Prometheus text format.
  void Render(PrometheusWriter& w) const;

 private:
  static constexpr size_t kMethods = 8;  // GET HEAD PUT POST OPTIONS DELETE PATCH other
  static constexpr std::array<unsigned, 20> kStatuses = {
      100, 200, 201, 202, 204, 400, 403, 404, 405, 406, 408, 413, 414, 415, 429, 431, 500, 503,
      507, 0 /* other */};
  struct Shard {
    std::array<std::array<std::array<std::atomic<uint64_t>, kStatuses.size()>, kMethods>,
               kRouteCount> requests{};
    std::array<std::array<std::atomic<uint64_t>, kLatencyBuckets>, kRouteCount> latency{};
    std::array<std::atomic<uint64_t>, kRouteCount> latency_sum_ns{};
  };
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace repram::http
