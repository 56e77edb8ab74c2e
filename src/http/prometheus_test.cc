#include "http/prometheus.h"

#include <gtest/gtest.h>

#include "http/http_metrics.h"

namespace repram::http {
namespace {

TEST(PrometheusWriterTest, WritesHelpTypeAndCumulativeBuckets) {
  std::string out;
  PrometheusWriter w(out);
  w.Family("x_seconds", "histogram", "Latency.");
  const double bounds[] = {0.1, 1};
  const uint64_t counts[] = {2, 1, 1};
  w.Histogram("x_seconds", "route=\"r\"", bounds, counts, 3.5);
  EXPECT_EQ(out,
            "# HELP x_seconds Latency.\n# TYPE x_seconds histogram\n"
            "x_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n"
            "x_seconds_bucket{route=\"r\",le=\"1\"} 3\n"
            "x_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"
            "x_seconds_sum{route=\"r\"} 3.5\nx_seconds_count{route=\"r\"} 4\n");
}

TEST(LatencyBucketTest, PicksFirstBoundAtOrAbove) {
  EXPECT_EQ(LatencyBucket(0.00005), 0u);
  EXPECT_EQ(LatencyBucket(0.0001), 0u);
  EXPECT_EQ(LatencyBucket(0.0002), 1u);
  EXPECT_EQ(LatencyBucket(100), std::size(kLatencyBounds));
}

TEST(HttpMetricsTest, SumsShardsByRouteMethodAndStatus) {
  HttpMetrics m(2, {"/v1/data/{key}", "/v1/keys", "other"});
  m.RecordRequest(0, 0, boost::beast::http::verb::put, 201, 0.001);
  m.RecordRequest(1, 0, boost::beast::http::verb::put, 201, 0.002);
  m.RecordRequest(1, m.unmatched_route(), boost::beast::http::verb::get, 404, 0.0001);
  std::string out;
  PrometheusWriter w(out);
  m.Render(w);
  EXPECT_NE(out.find("repram_http_requests_total{route=\"/v1/data/{key}\",method=\"PUT\","
                     "status=\"201\"} 2\n"),
            std::string::npos);
  EXPECT_NE(out.find("repram_http_requests_total{route=\"other\",method=\"GET\",status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(out.find("repram_http_request_duration_seconds_count{route=\"/v1/data/{key}\"} 2"),
            std::string::npos);
  EXPECT_NE(out.find("# TYPE repram_suspicious_requests_total counter"), std::string::npos);
}

}  // namespace
}  // namespace repram::http
