#include "http/http_metrics.h"

#include <gtest/gtest.h>

namespace repram::http {
namespace {

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
