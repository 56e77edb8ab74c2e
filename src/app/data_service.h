#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "app/cluster_port.h"
#include "app/data_rules.h"
#include "store/ttl_store.h"
#include "util/clock.h"
#include "util/prometheus.h"
#include "util/sharded_counters.h"

namespace repram {

// What became of one client write (HTTP PUT or MCP store). app/wire_results.h maps it to HTTP.
enum class WriteResult : uint8_t {
  kStoredWithQuorum,  // stored locally and confirmed by a quorum
  kStoredPending,     // stored locally; the quorum was not seen within the write timeout
  kStorageFull,       // refused: the node's storage capacity would be exceeded
  kFailed,            // refused for another reason (WriteOutcome::error)
};
inline constexpr size_t kWriteResultCount = 4;

// The outcome of one client write.
struct WriteOutcome {
  WriteResult result = WriteResult::kFailed;
  std::string error;  // for kFailed: the reason
  int64_t ttl = 0;    // TTL stored, after clamping
  WallTime created_at;
};

// Client-side write and read semantics shared by the HTTP API and the embedded MCP node:
// store locally, always replicate, wait for quorum or time out (http-api.md §4, cluster.md §9.1).
// Thread-safe.
class DataService {
 public:
  // REQUIRES: every reference outlives the service.
  DataService(const Clock& clock, TtlStore& store, ClusterPort& cluster, TtlBounds ttl_bounds);

  // Stores value under key with the given (already resolved and clamped) TTL, replicates it and
  // calls done once with the outcome; may call it synchronously.
  void Write(std::string_view key, std::string_view value, int64_t ttl,
             std::function<void(WriteOutcome)> done);

  // Returns the live entry, or nullopt.
  std::optional<StoredEntry> Read(std::string_view key) const { return store_.Get(key); }
  // Returns the live entry's metadata, or nullopt.
  std::optional<StoredEntry> ReadMeta(std::string_view key) const { return store_.GetMeta(key); }
  // Returns whole seconds left: floor((expires_at - now) / 1 s), never negative.
  int64_t RemainingSeconds(const StoredEntry& e) const;

  const TtlBounds& ttl_bounds() const { return ttl_bounds_; }
  TtlStore& store() { return store_; }

  // Appends repram_writes_total{status} (labelled with the HTTP status of each result).
  void RenderMetrics(PrometheusWriter& w) const;

 private:
  void Count(WriteResult r);

  const Clock& clock_;
  TtlStore& store_;
  ClusterPort& cluster_;
  const TtlBounds ttl_bounds_;
  ShardedCounters<kWriteResultCount> writes_;  // by WriteResult; every I/O thread counts
};

}  // namespace repram
