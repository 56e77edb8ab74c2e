#include "util/prometheus.h"

#include <gtest/gtest.h>

namespace repram {
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

TEST(PrometheusWriterTest, WritesSinglesAndLabelledCounters) {
  std::string out;
  PrometheusWriter w(out);
  w.Single("g", "gauge", "A gauge.", int64_t{-2});
  std::array<std::atomic<uint64_t>, 2> values{};
  values[1] = 7;
  w.CounterByLabel("c_total", "Counts.", "type", values,
                   [](size_t i) { return i == 0 ? "a" : "b"; });
  EXPECT_EQ(out,
            "# HELP g A gauge.\n# TYPE g gauge\ng -2\n"
            "# HELP c_total Counts.\n# TYPE c_total counter\n"
            "c_total{type=\"a\"} 0\nc_total{type=\"b\"} 7\n");
}

}  // namespace
}  // namespace repram
