#include "http/http_metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace repram::http {
namespace {

namespace bhttp = boost::beast::http;

size_t MethodIndex(bhttp::verb m) {
  switch (m) {
    case bhttp::verb::get:
      return 0;
    case bhttp::verb::head:
      return 1;
    case bhttp::verb::put:
      return 2;
    case bhttp::verb::post:
      return 3;
    case bhttp::verb::options:
      return 4;
    case bhttp::verb::delete_:
      return 5;
    case bhttp::verb::patch:
      return 6;
    default:
      return 7;
  }
}

constexpr std::array<std::string_view, 8> kMethodNames = {"GET",     "HEAD",   "PUT",   "POST",
                                                          "OPTIONS", "DELETE", "PATCH", "other"};

}  // namespace

HttpMetrics::HttpMetrics(size_t shards, std::vector<std::string> route_labels)
    : labels_(std::move(route_labels)) {
  for (size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>(labels_.size()));
}

void HttpMetrics::RecordRequest(size_t shard, uint8_t route, bhttp::verb method, unsigned status,
                                double seconds) {
  Shard& s = *shards_[shard % shards_.size()];
  size_t status_index = kStatuses.size() - 1;
  for (size_t i = 0; i + 1 < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) status_index = i;
  }
  const size_t r = std::min<size_t>(route, unmatched_route());
  s.requests[(r * kMethods + MethodIndex(method)) * kStatuses.size() + status_index].fetch_add(
      1, std::memory_order_relaxed);
  s.latency[r * kLatencyBuckets + LatencyBucket(seconds)].fetch_add(1, std::memory_order_relaxed);
  s.latency_sum_ns[r].fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void HttpMetrics::Render(PrometheusWriter& w) const {
  w.Family("repram_oversized_requests_total", "counter", "Requests refused with 413.");
  w.Sample("repram_oversized_requests_total", "", oversized.load());
  w.Family("repram_suspicious_requests_total", "counter",
           "Requests refused for a scanner User-Agent.");
  w.Sample("repram_suspicious_requests_total", "", suspicious.load());

  w.Family("repram_http_requests_total", "counter", "HTTP requests by route, method and status.");
  for (size_t r = 0; r < labels_.size(); ++r) {
    for (size_t m = 0; m < kMethods; ++m) {
      for (size_t st = 0; st < kStatuses.size(); ++st) {
        const size_t index = (r * kMethods + m) * kStatuses.size() + st;
        uint64_t total = 0;
        for (const auto& s : shards_) total += s->requests[index].load(std::memory_order_relaxed);
        if (total == 0) continue;
        const std::string status = kStatuses[st] ? std::to_string(kStatuses[st]) : "other";
        w.Sample("repram_http_requests_total",
                 fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"", labels_[r],
                             kMethodNames[m], status),
                 total);
      }
    }
  }
  w.Family("repram_http_request_duration_seconds", "histogram", "HTTP request latency by route.");
  for (size_t r = 0; r < labels_.size(); ++r) {
    std::array<uint64_t, kLatencyBuckets> counts{};
    uint64_t sum_ns = 0;
    for (const auto& s : shards_) {
      for (size_t b = 0; b < kLatencyBuckets; ++b) {
        counts[b] += s->latency[r * kLatencyBuckets + b].load(std::memory_order_relaxed);
      }
      sum_ns += s->latency_sum_ns[r].load(std::memory_order_relaxed);
    }
    w.Histogram("repram_http_request_duration_seconds", fmt::format("route=\"{}\"", labels_[r]),
                kLatencyBounds, counts, static_cast<double>(sum_ns) / 1e9);
  }
}

}  // namespace repram::http
