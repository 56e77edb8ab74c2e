#include "cluster/metrics.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace repram::cluster {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ClusterMetricsTest, EverySeriesHasHelpAndTypeLines) {
  ClusterMetrics metrics;
  const std::string text = metrics.RenderPrometheus();
  for (const char* name :
       {"repram_peers_active", "repram_peer_joins_total", "repram_peer_evictions_total",
        "repram_ping_failures_total", "repram_gossip_messages_sent_total",
        "repram_gossip_messages_received_total", "repram_gossip_send_failures_total",
        "repram_gossip_forwards_total", "repram_gossip_send_duration_seconds",
        "repram_isolation_recoveries_total", "repram_isolation_recovery_failures_total",
        "repram_isolated"}) {
    EXPECT_NE(text.find(std::string("# HELP ") + name + " "), std::string::npos) << name;
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
  EXPECT_NE(text.find("# TYPE repram_peers_active gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE repram_gossip_send_duration_seconds histogram\n"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

TEST(ClusterMetricsTest, RendersValuesAndTypeLabels) {
  ClusterMetrics metrics;
  metrics.peers_active = 4;
  metrics.peer_joins_total = 7;
  metrics.isolated = 1;
  metrics.CountSent(MessageType::kPut);
  metrics.CountSent(MessageType::kPut);
  metrics.CountSent(MessageType::kOther);  // not a labelled type: ignored
  metrics.CountReceived(MessageType::kSync);
  const std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("\nrepram_peers_active 4\n"), std::string::npos);
  EXPECT_NE(text.find("\nrepram_peer_joins_total 7\n"), std::string::npos);
  EXPECT_NE(text.find("\nrepram_isolated 1\n"), std::string::npos);
  EXPECT_NE(text.find("\nrepram_gossip_messages_sent_total{type=\"PUT\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("\nrepram_gossip_messages_sent_total{type=\"PONG\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("\nrepram_gossip_messages_received_total{type=\"SYNC\"} 1\n"),
            std::string::npos);
}

TEST(ClusterMetricsTest, HistogramBucketsAreCumulative) {
  ClusterMetrics metrics;
  metrics.RecordSend(milliseconds(1), true);   // le 0.001
  metrics.RecordSend(milliseconds(3), false);  // le 0.005
  metrics.RecordSend(seconds(11), false);      // +Inf only
  const std::string text = metrics.RenderPrometheus();
  const std::string h = "repram_gossip_send_duration_seconds";
  EXPECT_NE(text.find(h + "_bucket{le=\"0.0001\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find(h + "_bucket{le=\"0.001\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find(h + "_bucket{le=\"0.0025\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find(h + "_bucket{le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find(h + "_bucket{le=\"10\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find(h + "_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find(h + "_count 3\n"), std::string::npos);
  EXPECT_NE(text.find(h + "_sum 11.004\n"), std::string::npos);
  EXPECT_NE(text.find("\nrepram_gossip_send_failures_total 2\n"), std::string::npos);
}

TEST(ClusterMetricsTest, EachSampleLineIsNameSpaceValue) {
  ClusterMetrics metrics;
  std::istringstream lines(metrics.RenderPrometheus());
  std::string line;
  std::set<std::string> typed;
  while (std::getline(lines, line)) {
    if (line.starts_with("# TYPE ")) {
      typed.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    if (line.starts_with("#")) continue;
    const std::string name = line.substr(0, line.find_first_of("{ "));
    bool declared = false;
    for (const std::string& family : typed) declared |= name.starts_with(family);
    EXPECT_TRUE(declared) << line;
    EXPECT_NE(line.find(' '), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace repram::cluster
