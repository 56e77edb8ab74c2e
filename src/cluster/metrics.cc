#include "cluster/metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace repram::cluster {
namespace {

void Family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <typename T>
void Single(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            const std::atomic<T>& value) {
  Family(out, name, type, help);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, value.load());
}

void ByType(std::string& out, std::string_view name, std::string_view help,
            const std::array<std::atomic<uint64_t>, kMessageTypeCount>& values) {
  Family(out, name, "counter", help);
  for (int i = 0; i < kMessageTypeCount; ++i) {
    fmt::format_to(std::back_inserter(out), "{}{{type=\"{}\"}} {}\n", name,
                   TypeName(static_cast<MessageType>(i)), values[i].load());
  }
}

}  // namespace

void ClusterMetrics::CountSent(MessageType type) {
  if (type != MessageType::kOther) messages_sent[static_cast<int>(type)]++;
}

void ClusterMetrics::CountReceived(MessageType type) {
  if (type != MessageType::kOther) messages_received[static_cast<int>(type)]++;
}

void ClusterMetrics::RecordSend(Duration elapsed, bool ok) {
  if (!ok) send_failures_total++;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const auto bucket = static_cast<size_t>(
      std::lower_bound(kSendLatencyBounds.begin(), kSendLatencyBounds.end(), seconds) -
      kSendLatencyBounds.begin());
  send_duration_buckets[bucket]++;
  send_duration_sum_ns += static_cast<uint64_t>(std::max<int64_t>(elapsed.count(), 0));
}

std::string ClusterMetrics::RenderPrometheus() const {
  std::string out;
  Single(out, "repram_peers_active", "gauge", "Known peers (all enclaves).", peers_active);
  Single(out, "repram_peer_joins_total", "counter",
         "Peers added (new id, or re-added after eviction).", peer_joins_total);
  Single(out, "repram_peer_evictions_total", "counter", "Peers evicted after 3 failed ping rounds.",
         peer_evictions_total);
  Single(out, "repram_ping_failures_total", "counter", "Failed ping rounds.", ping_failures_total);
  Single(out, "repram_isolation_recoveries_total", "counter",
         "Isolation recovery attempts that ended above the threshold.", isolation_recoveries_total);
  Single(out, "repram_isolation_recovery_failures_total", "counter",
         "Isolation recovery attempts that did not.", isolation_recovery_failures_total);
  Single(out, "repram_isolated", "gauge", "1 while peers <= the isolation threshold, else 0.",
         isolated);
  ByType(out, "repram_gossip_messages_sent_total", "Gossip messages sent by type.", messages_sent);
  ByType(out, "repram_gossip_messages_received_total", "Gossip messages received by type.",
         messages_received);
  Single(out, "repram_gossip_send_failures_total", "counter",
         "Peer sends that failed (transport error, timeout, non-2xx).", send_failures_total);
  Single(out, "repram_gossip_forwards_total", "counter",
         "Replica PUTs passed on to further peers (receiver forwarding, cluster.md 9.2).",
         forwards_total);
  Family(out, "repram_gossip_rejected_total", "counter",
         "Authenticated gossip dropped unprocessed, by reason (stale_timestamp: a signed PUT "
         "stamped more than 30 s away from our clock, e.g. a replay).");
  fmt::format_to(std::back_inserter(out),
                 "repram_gossip_rejected_total{{reason=\"stale_timestamp\"}} {}\n",
                 rejected_stale_timestamp.load());
  Single(out, "repram_catchup_entries_total", "counter",
         "Entries stored by catch-up (cluster.md 12).", catchup_entries_total);
  Family(out, "repram_catchup_runs_total", "counter",
         "Catch-up passes by result (ok: served to the last page; failed: no candidate left, or "
         "the store was full).");
  fmt::format_to(std::back_inserter(out), "repram_catchup_runs_total{{result=\"ok\"}} {}\n",
                 catchup_runs_ok.load());
  fmt::format_to(std::back_inserter(out), "repram_catchup_runs_total{{result=\"failed\"}} {}\n",
                 catchup_runs_failed.load());
  Single(out, "repram_catchup_in_progress", "gauge", "1 while a catch-up pass runs, else 0.",
         catchup_in_progress);

  constexpr std::string_view kHist = "repram_gossip_send_duration_seconds";
  Family(out, kHist, "histogram", "Peer send latency.");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kSendLatencyBounds.size(); ++i) {
    cumulative += send_duration_buckets[i].load();
    fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"{}\"}} {}\n", kHist,
                   kSendLatencyBounds[i], cumulative);
  }
  cumulative += send_duration_buckets.back().load();
  fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"+Inf\"}} {}\n", kHist, cumulative);
  fmt::format_to(std::back_inserter(out), "{}_sum {}\n", kHist,
                 static_cast<double>(send_duration_sum_ns.load()) / 1e9);
  fmt::format_to(std::back_inserter(out), "{}_count {}\n", kHist, cumulative);
  return out;
}

}  // namespace repram::cluster
