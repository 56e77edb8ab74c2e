#include "app/data_service.h"

namespace repram {

DataService::DataService(const Clock& clock, TtlStore& store, ClusterPort& cluster,
                         TtlPolicy ttl_policy)
    : clock_(clock), store_(store), cluster_(cluster), ttl_policy_(ttl_policy) {}

void DataService::Write(std::string key, std::string value, int64_t ttl,
                        std::function<void(WriteOutcome)> done) {
  WriteOutcome outcome;
  outcome.ttl = ttl;
  const Status s = store_.Put(key, value, ttl, &outcome.created_at);
  if (!s.ok()) {
    if (s.code() == StatusCode::kFull) {
      ++writes_507_;
      outcome.status = 507;
    } else {
      ++writes_500_;
      outcome.status = 500;
      outcome.error = s.message();
    }
    return done(std::move(outcome));
  }
  cluster_.Replicate(key, value, ttl,
                     [this, outcome = std::move(outcome), done = std::move(done)](bool quorum) mutable {
                       outcome.status = quorum ? 201 : 202;
                       ++(quorum ? writes_201_ : writes_202_);
                       done(std::move(outcome));
                     });
}

int64_t DataService::RemainingSeconds(const StoredEntry& e) const {
  const auto left = e.expires_at - clock_.Now();
  if (left <= Duration::zero()) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(left).count();
}

void DataService::RenderMetrics(http::PrometheusWriter& w) const {
  w.Family("repram_writes_total", "counter", "Client and MCP writes by outcome.");
  w.Sample("repram_writes_total", "status=\"201\"", writes_201_.load());
  w.Sample("repram_writes_total", "status=\"202\"", writes_202_.load());
  w.Sample("repram_writes_total", "status=\"507\"", writes_507_.load());
  w.Sample("repram_writes_total", "status=\"500\"", writes_500_.load());
}

}  // namespace repram
