#include "cluster/catchup_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "cluster/catchup_codec.h"
#include "cluster/hmac.h"
#include "util/limits.h"

namespace repram::cluster {

struct CatchupClient::Pass {
  std::vector<NodeInfo> candidates;
  size_t index = 0;    // the candidate asked now
  std::string cursor;  // the cursor of the page asked last (the previous page's next_cursor)
  // Pages are handled one at a time: an answer that arrives while the previous page is still
  // being stored waits here and is handled by that thread next.
  Mutex mu;
  bool busy GUARDED_BY(mu) = false;      // a page is being handled
  bool finished GUARDED_BY(mu) = false;  // later answers are dropped
  std::optional<TransportResult> parked GUARDED_BY(mu);
  uint64_t stored = 0;
  uint64_t kept = 0;  // entries skipped because the local copy expires later
  uint64_t bytes = 0;
  MonoTime start;
  std::function<void(bool)> done;
};

CatchupClient::CatchupClient(Options options, Transport& transport, const Clock& clock,
                             TtlStore& store, ClusterMetrics& metrics)
    : options_(std::move(options)),
      transport_(transport),
      clock_(clock),
      store_(store),
      metrics_(metrics) {}

CatchupClient::~CatchupClient() { Stop(); }

bool CatchupClient::Run(std::vector<NodeInfo> candidates, std::function<void(bool)> done) {
  if (candidates.empty()) return false;
  {
    MutexLock lock(mu_);
    if (running_ || stopped_) return false;
    running_ = true;
  }
  metrics_.catchup_in_progress = 1;
  auto pass = std::make_shared<Pass>();
  pass->candidates = std::move(candidates);
  pass->start = clock_.Now();
  pass->done = std::move(done);
  spdlog::info("Catch-up started: {} candidate peers, first {}", pass->candidates.size(),
               pass->candidates.front().id);
  RequestPage(pass);
  return true;
}

void CatchupClient::Stop() {
  guard_.Close();
  MutexLock lock(mu_);
  stopped_ = true;
  if (running_) metrics_.catchup_in_progress = 0;
  running_ = false;
}

bool CatchupClient::running() const {
  MutexLock lock(mu_);
  return running_;
}

void CatchupClient::RequestPage(const std::shared_ptr<Pass>& pass) {
  const NodeInfo& peer = pass->candidates[pass->index];
  const CatchupRequest req{.node_id = options_.node_id,
                           .enclave = options_.enclave,
                           .cursor = pass->cursor,
                           .limit = options_.page_limit,
                           .timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                                            clock_.WallNow().time_since_epoch())
                                            .count()};
  OutboundRequest out{.host = peer.address,
                      .port = peer.http_port,
                      .path = kCatchupPath,
                      .body = EncodeCatchupRequest(req)};
  if (!options_.secret.empty()) {
    out.signature = SignBody(options_.secret, out.body);
  }
  transport_.Post(std::move(out), guard_.Wrap([this, pass](TransportResult result) {
    OnPage(pass, std::move(result));
  }));
}

void CatchupClient::OnPage(const std::shared_ptr<Pass>& pass, TransportResult result) {
  {
    MutexLock lock(pass->mu);
    if (pass->finished) return;
    if (pass->busy) {
      pass->parked = std::move(result);
      return;
    }
    pass->busy = true;
  }
  for (;;) {
    HandlePage(pass, result);
    MutexLock lock(pass->mu);
    if (pass->finished || !pass->parked) {
      pass->busy = false;
      return;
    }
    result = std::move(*pass->parked);
    pass->parked.reset();
  }
}

void CatchupClient::HandlePage(const std::shared_ptr<Pass>& pass, const TransportResult& result) {
  if (result.transport_error) return NextCandidate(pass, "no answer");
  if (result.status != 200) return NextCandidate(pass, "HTTP " + std::to_string(result.status));
  Result<CatchupPage> page = ParseCatchupPage(result.body);
  if (!page.ok()) return NextCandidate(pass, "unreadable page");
  // Pipelining: the next page is asked for before this one is stored, so the source builds it
  // while this node stores (one page ahead at most: its answer waits for this one).
  const bool more = page->next_cursor && *page->next_cursor > pass->cursor;
  if (more) {
    pass->cursor = *page->next_cursor;
    RequestPage(pass);
  }
  if (!StorePage(pass, page->entries)) return Finish(pass, false, "node storage capacity exceeded");
  if (!page->next_cursor) return Finish(pass, true, "");
  if (!more) return NextCandidate(pass, "cursor did not advance");
}

bool CatchupClient::StorePage(const std::shared_ptr<Pass>& pass,
                              const std::vector<CatchupEntry>& entries) {
  for (const CatchupEntry& entry : entries) {
    if (entry.remaining_ttl < 1) continue;  // never negative: a dead entry is not stored
    // A lifetime is never extended: expiry = now + remaining_ttl, capped by our REPRAM_MAX_TTL;
    // the original TTL is at least that.
    const int64_t remaining = std::min(entry.remaining_ttl, options_.max_ttl);
    const int64_t original = ClampTtl(entry.original_ttl, remaining, kMaxTtlSeconds);
    Result<bool> put =
        store_.PutUnlessNewer(entry.key, entry.value, original, std::chrono::seconds(remaining));
    if (!put.ok()) {
      if (put.status().code() == StatusCode::kFull) return false;
      continue;  // a key this node cannot hold (e.g. empty): skipped
    }
    if (!*put) {
      ++pass->kept;
      continue;
    }
    ++pass->stored;
    pass->bytes += entry.value.size();
    metrics_.catchup_entries_total++;
  }
  return true;
}

void CatchupClient::NextCandidate(const std::shared_ptr<Pass>& pass, const std::string& why) {
  spdlog::info("Catch-up: {} failed ({}); {}", pass->candidates[pass->index].id, why,
               pass->index + 1 < pass->candidates.size() ? "trying the next candidate"
                                                         : "no candidate left");
  if (++pass->index == pass->candidates.size()) return Finish(pass, false, "no candidate left");
  RequestPage(pass);
}

void CatchupClient::Finish(const std::shared_ptr<Pass>& pass, bool ok, const std::string& why) {
  {
    MutexLock lock(pass->mu);
    pass->finished = true;  // the answer to a page asked ahead is dropped
  }
  {
    MutexLock lock(mu_);
    running_ = false;
  }
  metrics_.catchup_in_progress = 0;
  (ok ? metrics_.catchup_runs_ok : metrics_.catchup_runs_failed)++;
  const double seconds = std::chrono::duration<double>(clock_.Now() - pass->start).count();
  const std::string source =
      pass->candidates[std::min(pass->index, pass->candidates.size() - 1)].id;
  if (ok) {
    spdlog::info(
        "Catch-up from {} done: {} entries ({} kept newer local copies), {} bytes in "
        "{:.2f} s",
        source, pass->stored, pass->kept, pass->bytes, seconds);
  } else {
    spdlog::warn(
        "Catch-up stopped ({}); last source {}: {} entries ({} kept newer local copies), "
        "{} bytes in {:.2f} s",
        why, source, pass->stored, pass->kept, pass->bytes, seconds);
  }
  if (pass->done) pass->done(ok);
}

}  // namespace repram::cluster
