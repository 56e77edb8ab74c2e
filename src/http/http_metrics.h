#pragma once

#include <array>
#include <atomic>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/prometheus.h"

namespace repram::http {

// Request counters and latency histograms by route, method and status, plus the middleware
// counters of http-api.md §8.4. Each I/O thread writes only its own shard (relaxed atomics, no
// shared cache lines on the hot path); Render() sums the shards.
class HttpMetrics {
 public:
  // route_labels[i] is the `route` label of RouteSpec::metrics_id i; the last one also counts
  // requests that match no route. REQUIRES: shards >= 1 (one per I/O thread), labels non-empty.
  HttpMetrics(size_t shards, std::vector<std::string> route_labels);

  // Returns the metrics id of requests that match no route.
  uint8_t unmatched_route() const { return static_cast<uint8_t>(labels_.size() - 1); }

  // Records one answered request on the given shard.
  void RecordRequest(size_t shard, uint8_t route, boost::beast::http::verb method, unsigned status,
                     double seconds);

  std::atomic<uint64_t> oversized{0};
  std::atomic<uint64_t> suspicious{0};

  // Appends every HTTP series in Prometheus text format.
  void Render(PrometheusWriter& w) const;

 private:
  static constexpr size_t kMethods = 8;  // GET HEAD PUT POST OPTIONS DELETE PATCH other
  static constexpr std::array<unsigned, 20> kStatuses = {100, 200, 201, 202, 204, 400, 403,
                                                         404, 405, 406, 408, 413, 414, 415,
                                                         429, 431, 500, 503, 507, 0 /* other */};
  // Counters of one I/O thread, flat arrays indexed by route first.
  struct Shard {
    explicit Shard(size_t routes)
        : requests(routes * kMethods * kStatuses.size()),
          latency(routes * kLatencyBuckets),
          latency_sum_ns(routes) {}
    std::vector<std::atomic<uint64_t>> requests;
    std::vector<std::atomic<uint64_t>> latency;
    std::vector<std::atomic<uint64_t>> latency_sum_ns;
  };
  const std::vector<std::string> labels_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace repram::http
