#include "app/data_service.h"

#include "app/wire_results.h"

namespace repram {

DataService::DataService(const Clock& clock, TtlStore& store, ClusterPort& cluster,
                         TtlBounds ttl_bounds)
    : clock_(clock), store_(store), cluster_(cluster), ttl_bounds_(ttl_bounds) {}

void DataService::Write(std::string_view key, std::string_view value, int64_t ttl,
                        std::function<void(WriteOutcome)> done) {
  WriteOutcome outcome;
  outcome.ttl = ttl;
  const Status s = store_.Put(key, value, ttl, &outcome.created_at);
  if (!s.ok()) {
    outcome.result =
        s.code() == StatusCode::kFull ? WriteResult::kStorageFull : WriteResult::kFailed;
    if (outcome.result == WriteResult::kFailed) outcome.error = s.message();
    Count(outcome.result);
    return done(std::move(outcome));
  }
  cluster_.Replicate(
      key, value, ttl,
      [this, outcome = std::move(outcome), done = std::move(done)](bool quorum) mutable {
        outcome.result = quorum ? WriteResult::kStoredWithQuorum : WriteResult::kStoredPending;
        Count(outcome.result);
        done(std::move(outcome));
      });
}

void DataService::Count(WriteResult r) { writes_.Increment(static_cast<size_t>(r)); }

int64_t DataService::RemainingSeconds(const StoredEntry& e) const {
  const auto left = e.expires_at - clock_.Now();
  if (left <= Duration::zero()) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(left).count();
}

void DataService::RenderMetrics(PrometheusWriter& w) const {
  w.Family("repram_writes_total", "counter", "Client and MCP writes by outcome.");
  for (size_t i = 0; i < kWriteResultCount; ++i) {
    const unsigned status = WriteStatus(static_cast<WriteResult>(i));
    w.Sample("repram_writes_total", "status=\"" + std::to_string(status) + "\"", writes_.Sum(i));
  }
}

}  // namespace repram
