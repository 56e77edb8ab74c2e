#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "cluster/message.h"
#include "util/clock.h"
#include "util/prometheus.h"

namespace repram::cluster {

// Counters and gauges the cluster owns (http-api.md §8.4). Every field is an atomic that any
// thread may update or read; RenderPrometheus reads them without a lock (a scrape may see one
// series a moment newer than another, as Prometheus clients allow).
struct ClusterMetrics {
  std::atomic<int64_t> peers_active{0};
  std::atomic<uint64_t> peer_joins_total{0};
  std::atomic<uint64_t> peer_evictions_total{0};
  std::atomic<uint64_t> ping_failures_total{0};
  std::array<std::atomic<uint64_t>, kMessageTypeCount> messages_sent{};      // by MessageType
  std::array<std::atomic<uint64_t>, kMessageTypeCount> messages_received{};  // by MessageType
  std::atomic<uint64_t> send_failures_total{0};
  std::atomic<uint64_t> forwards_total{0};  // PUTs a receiver passed on (§9.2 epidemic path)
  // Signed PUTs dropped because their timestamp is more than 30 s from our clock (replays).
  std::atomic<uint64_t> rejected_stale_timestamp{0};
  // Gossip batches between our own nodes (docs/gossip-batch.md).
  std::atomic<uint64_t> batches_sent_total{0};
  std::atomic<uint64_t> batch_messages_sent_total{0};
  std::atomic<uint64_t> batches_received_total{0};
  std::atomic<uint64_t> batch_messages_received_total{0};
  std::atomic<uint64_t> batch_fallbacks_total{0};  // peers that answered the probe with 404
  std::array<std::atomic<uint64_t>, kLatencyBuckets> send_duration_buckets{};
  std::atomic<uint64_t> send_duration_sum_ns{0};
  std::atomic<uint64_t> isolation_recoveries_total{0};
  std::atomic<uint64_t> isolation_recovery_failures_total{0};
  std::atomic<int64_t> isolated{0};
  std::atomic<uint64_t> catchup_entries_total{0};  // entries stored by catch-up (§12)
  std::atomic<uint64_t> catchup_runs_ok{0};        // passes a candidate served to the end
  std::atomic<uint64_t> catchup_runs_failed{0};    // passes with no candidate left, or full
  std::atomic<int64_t> catchup_in_progress{0};

  // Adds one gossip message of a handled type to the sent / received counters.
  void CountSent(MessageType type);
  void CountReceived(MessageType type);
  // Records one finished peer send: its latency and whether it failed.
  void RecordSend(Duration elapsed, bool ok);

  // Returns every series in Prometheus text format 0.0.4 with # HELP and # TYPE lines, ready to
  // be appended to the /v1/metrics body.
  std::string RenderPrometheus() const;
};

}  // namespace repram::cluster
