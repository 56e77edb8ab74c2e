#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cluster/callback_guard.h"
#include "cluster/catchup_codec.h"
#include "cluster/metrics.h"
#include "cluster/node_info.h"
#include "cluster/transport.h"
#include "store/ttl_store.h"
#include "util/clock.h"
#include "util/mutex.h"

namespace repram::cluster {

// The requesting side of catch-up (cluster.md §12): one pass pulls the live entries of the
// enclave from one peer, page after page (POST /v1/catchup, signed when a secret is set), and
// stores each with its remaining lifetime (expiry = now + remaining_ttl, original TTL kept,
// never extended, a local copy expiring later kept). Caught-up entries are not gossiped.
// Candidates are tried in the given order: a failed page (transport error or timeout, non-200,
// unreadable body) moves on to the next candidate, resuming from the last cursor. A full store
// stops the pass. Single-flight; asynchronous through Transport (pages are processed on the
// thread that completes the request), so it never blocks its caller.
// Metrics: repram_catchup_entries_total, repram_catchup_runs_total{result},
// repram_catchup_in_progress. Logs one line at the start and one at the end of a pass.
// Thread-safe.
class CatchupClient {
 public:
  struct Options {
    std::string node_id;
    std::string enclave = "default";
    std::string secret;            // REPRAM_CLUSTER_SECRET; empty = unsigned
    int64_t page_limit = 10000;    // `limit` asked per page
    int64_t max_ttl = 2147483647;  // REPRAM_MAX_TTL: a lifetime never exceeds it
  };

  // REQUIRES: every reference outlives this object.
  CatchupClient(Options options, Transport& transport, const Clock& clock, TtlStore& store,
                ClusterMetrics& metrics);
  ~CatchupClient();
  CatchupClient(const CatchupClient&) = delete;
  CatchupClient& operator=(const CatchupClient&) = delete;

  // Starts a pass over candidates (tried in this order) unless one is running, candidates is
  // empty or the client was stopped. Returns whether it started; done(ok) runs once when the
  // pass ends (ok = a candidate served it to the last page).
  bool Run(std::vector<NodeInfo> candidates, std::function<void(bool ok)> done = {});

  // Ends the current pass without finishing it; no callback of this object runs after it
  // returns. REQUIRES: not called from a completion of this object. Idempotent.
  void Stop();

  // Returns whether a pass is in progress.
  bool running() const;

 private:
  struct Pass;
  // Posts the next page request of pass to its current candidate.
  void RequestPage(const std::shared_ptr<Pass>& pass);
  // Handles the answer to a page request, or parks it while the previous page is handled.
  void OnPage(const std::shared_ptr<Pass>& pass, TransportResult result);
  // Parses one answer, asks for the next page, stores this one; ends or moves the pass on.
  void HandlePage(const std::shared_ptr<Pass>& pass, const TransportResult& result);
  // Stores a page's entries; returns false when the store is full.
  bool StorePage(const std::shared_ptr<Pass>& pass, const std::vector<CatchupEntry>& entries);
  // Moves to the next candidate after a failed page, or ends the pass when none is left.
  void NextCandidate(const std::shared_ptr<Pass>& pass, const std::string& why);
  void Finish(const std::shared_ptr<Pass>& pass, bool ok, const std::string& why);

  const Options options_;
  Transport& transport_;
  const Clock& clock_;
  TtlStore& store_;
  ClusterMetrics& metrics_;
  CallbackGuard guard_;

  mutable Mutex mu_;
  bool running_ GUARDED_BY(mu_) = false;
  bool stopped_ GUARDED_BY(mu_) = false;
};

}  // namespace repram::cluster
