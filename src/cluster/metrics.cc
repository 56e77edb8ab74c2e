#include "cluster/metrics.h"

#include <algorithm>

namespace repram::cluster {

void ClusterMetrics::CountSent(MessageType type) {
  if (type != MessageType::kOther) messages_sent[static_cast<int>(type)]++;
}

void ClusterMetrics::CountReceived(MessageType type) {
  if (type != MessageType::kOther) messages_received[static_cast<int>(type)]++;
}

void ClusterMetrics::RecordSend(Duration elapsed, bool ok) {
  if (!ok) send_failures_total++;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  send_duration_buckets[LatencyBucket(seconds)]++;
  send_duration_sum_ns += static_cast<uint64_t>(std::max<int64_t>(elapsed.count(), 0));
}

std::string ClusterMetrics::RenderPrometheus() const {
  std::string out;
  PrometheusWriter w(out);
  w.Single("repram_peers_active", "gauge", "Known peers (all enclaves).", peers_active.load());
  w.Single("repram_peer_joins_total", "counter",
           "Peers added (new id, or re-added after eviction).", peer_joins_total.load());
  w.Single("repram_peer_evictions_total", "counter", "Peers evicted after 3 failed ping rounds.",
           peer_evictions_total.load());
  w.Single("repram_ping_failures_total", "counter", "Failed ping rounds.",
           ping_failures_total.load());
  w.Single("repram_isolation_recoveries_total", "counter",
           "Isolation recovery attempts that ended above the threshold.",
           isolation_recoveries_total.load());
  w.Single("repram_isolation_recovery_failures_total", "counter",
           "Isolation recovery attempts that did not.", isolation_recovery_failures_total.load());
  w.Single("repram_isolated", "gauge", "1 while peers <= the isolation threshold, else 0.",
           isolated.load());
  const auto type_name = [](size_t i) { return TypeName(static_cast<MessageType>(i)); };
  w.CounterByLabel("repram_gossip_messages_sent_total", "Gossip messages sent by type.", "type",
                   messages_sent, type_name);
  w.CounterByLabel("repram_gossip_messages_received_total", "Gossip messages received by type.",
                   "type", messages_received, type_name);
  w.Single("repram_gossip_send_failures_total", "counter",
           "Peer sends that failed (transport error, timeout, non-2xx).",
           send_failures_total.load());
  w.Single("repram_gossip_forwards_total", "counter",
           "Replica PUTs passed on to further peers (receiver forwarding, cluster.md 9.2).",
           forwards_total.load());
  w.Family("repram_gossip_rejected_total", "counter",
           "Authenticated gossip dropped unprocessed, by reason (stale_timestamp: a signed PUT "
           "stamped more than 30 s away from our clock, e.g. a replay).");
  w.LabelledSample("repram_gossip_rejected_total", "reason", "stale_timestamp",
                   rejected_stale_timestamp.load());
  w.Single("repram_gossip_batches_sent_total", "counter",
           "Gossip batches sent to peers that take them (docs/gossip-batch.md).",
           batches_sent_total.load());
  w.Single("repram_gossip_batch_messages_sent_total", "counter",
           "Gossip messages that left in batches.", batch_messages_sent_total.load());
  w.Single("repram_gossip_batches_received_total", "counter",
           "Gossip batches received (POST /v1/gossip/batch, authenticated).",
           batches_received_total.load());
  w.Single("repram_gossip_batch_messages_received_total", "counter",
           "Gossip messages received in batches.", batch_messages_received_total.load());
  w.Single("repram_gossip_batch_fallbacks_total", "counter",
           "Peers that answered a batch probe with 404 and get single messages since.",
           batch_fallbacks_total.load());
  w.Single("repram_catchup_entries_total", "counter", "Entries stored by catch-up (cluster.md 12).",
           catchup_entries_total.load());
  w.Family("repram_catchup_runs_total", "counter",
           "Catch-up passes by result (ok: served to the last page; failed: no candidate left, or "
           "the store was full).");
  w.LabelledSample("repram_catchup_runs_total", "result", "ok", catchup_runs_ok.load());
  w.LabelledSample("repram_catchup_runs_total", "result", "failed", catchup_runs_failed.load());
  w.Single("repram_catchup_in_progress", "gauge", "1 while a catch-up pass runs, else 0.",
           catchup_in_progress.load());

  constexpr std::string_view kHist = "repram_gossip_send_duration_seconds";
  std::array<uint64_t, kLatencyBuckets> counts{};
  for (size_t i = 0; i < kLatencyBuckets; ++i) counts[i] = send_duration_buckets[i].load();
  w.Family(kHist, "histogram", "Peer send latency.");
  w.Histogram(kHist, {}, kLatencyBounds, counts,
              static_cast<double>(send_duration_sum_ns.load()) / 1e9);
  return out;
}

}  // namespace repram::cluster
