#include "cluster/anti_entropy_round.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>

#include "cluster/anti_entropy_repair.h"
#include "cluster/hmac.h"
#include "store/digest.h"

namespace repram::cluster {
namespace {

// Bucket counts: about 256 entries per bucket, at least 16, at most 4096 (a 32 KiB digest, so
// equal nodes with 1M entries exchange under 64 KiB per round).
constexpr uint64_t kEntriesPerBucket = 256;
constexpr uint32_t kMinBuckets = 16;
constexpr uint32_t kMaxBuckets = 4096;
// Summary records aimed at per diff request: 24 bytes each, 6 MiB raw, 8 MiB of base64 (under
// the 16 MiB body limit). Each batch costs one store scan on both sides, so batches are large.
constexpr uint64_t kSummaryTarget = 262144;
// Bound on diff requests per round (a peer that keeps truncating cannot hold a round forever).
constexpr size_t kMaxDiffRequests = 256;

uint32_t BucketCount(uint64_t entries) {
  const uint64_t wanted = std::bit_ceil(std::max<uint64_t>(1, entries / kEntriesPerBucket));
  return static_cast<uint32_t>(std::clamp<uint64_t>(wanted, kMinBuckets, kMaxBuckets));
}

int64_t UnixMs(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

const char* OutcomeName(RoundOutcome outcome) {
  switch (outcome) {
    case RoundOutcome::kEqual:
      return "equal";
    case RoundOutcome::kRepaired:
      return "repaired";
    case RoundOutcome::kFailed:
      return "failed";
    case RoundOutcome::kUpstream:
      return "upstream";
  }
  return "failed";
}

}  // namespace

void AntiEntropyRound::Run(const RoundDeps& deps, NodeInfo peer,
                           std::function<void(RoundOutcome)> done) {
  auto round = std::make_shared<AntiEntropyRound>(deps, std::move(peer), std::move(done));
  deps.background(deps.guard.Wrap([round] { round->Begin(); }));
}

void AntiEntropyRound::Begin() {
  const uint64_t entries = deps_.store.entry_count();
  scope_ = AntiEntropyScope{.node_id = deps_.config.node_id,
                            .enclave = deps_.config.enclave,
                            .buckets = BucketCount(entries),
                            .cutoff_unix_ms = UnixMs(deps_.clock.WallNow() + kAntiEntropyHorizon)};
  const WallTime cutoff{std::chrono::milliseconds(scope_.cutoff_unix_ms)};
  own_digest_ = store::ComputeDigest(deps_.store, deps_.clock, scope_.buckets, cutoff);
  batch_size_ =
      std::max<uint64_t>(1, kSummaryTarget * scope_.buckets / std::max<uint64_t>(1, entries));
  std::string body = EncodeDigestRequest(scope_);
  digest_bytes_ += body.size();
  Post(kAntiEntropyDigestPath, std::move(body), &AntiEntropyRound::OnDigest);
}

void AntiEntropyRound::OnDigest(const TransportResult& r) {
  digest_bytes_ += r.body.size();
  deps_.metrics.digest_bytes += digest_bytes_;
  if (!r.transport_error && r.status == 404) return Finish(RoundOutcome::kUpstream);
  if (!r.ok()) return Finish(RoundOutcome::kFailed);
  Result<std::vector<uint64_t>> theirs = ParseDigestResponse(r.body);
  if (!theirs.ok() || theirs->size() != own_digest_.size()) return Finish(RoundOutcome::kFailed);
  for (uint32_t i = 0; i < own_digest_.size(); ++i) {
    if ((*theirs)[i] != own_digest_[i]) differing_.push_back(i);
  }
  if (differing_.empty()) return Finish(RoundOutcome::kEqual);
  NextBatch();
}

void AntiEntropyRound::NextBatch() {
  if (batch_start_ >= differing_.size() || full_) return Finish(RoundOutcome::kRepaired);
  if (++requests_ > kMaxDiffRequests) return Finish(RoundOutcome::kRepaired);
  DiffRequest req;
  req.scope = scope_;
  const size_t end = std::min(differing_.size(), batch_start_ + batch_size_);
  req.bucket_ids.assign(differing_.begin() + static_cast<ptrdiff_t>(batch_start_),
                        differing_.begin() + static_cast<ptrdiff_t>(end));
  std::vector<bool> selected(scope_.buckets, false);
  for (uint32_t id : req.bucket_ids) selected[id] = true;
  const WallTime cutoff{std::chrono::milliseconds(scope_.cutoff_unix_ms)};
  std::vector<store::EntrySummary> mine =
      store::SummarizeBuckets(deps_.store, deps_.clock, selected, cutoff);
  batch_keys_.clear();
  req.summary.reserve(mine.size());
  for (store::EntrySummary& e : mine) {
    req.summary.push_back({e.key_hash, e.value_hash, e.expires_after_cutoff_ms});
    batch_keys_.emplace(e.key_hash, std::move(e.key));
  }
  Post(kAntiEntropyDiffPath, EncodeDiffRequest(req), &AntiEntropyRound::OnDiff);
}

void AntiEntropyRound::OnDiff(const TransportResult& r) {
  if (!r.ok()) return Finish(RoundOutcome::kFailed);
  Result<DiffResponse> diff = ParseDiffResponse(r.body);
  if (!diff.ok()) return Finish(RoundOutcome::kFailed);
  const uint64_t stored = ApplyTransfers(deps_.store, diff->entries, &full_);
  pulled_ += stored;
  deps_.metrics.entries_pulled += stored;
  if (full_) spdlog::warn("Anti-entropy with {}: storage full, stopping the round", peer_.id);
  truncated_ = diff->truncated;
  to_push_.clear();
  for (uint64_t key_hash : diff->want) {
    auto it = batch_keys_.find(key_hash);
    if (it != batch_keys_.end()) to_push_.push_back(std::move(it->second));
  }
  PushNext();
}

void AntiEntropyRound::PushNext() {
  PushRequest push;
  push.node_id = deps_.config.node_id;
  push.enclave = deps_.config.enclave;
  size_t bytes = 0;
  while (!to_push_.empty()) {
    std::optional<TransferEntry> e = ReadTransfer(deps_.store, deps_.clock, to_push_.back());
    to_push_.pop_back();
    if (!e) continue;  // expired or about to since the summary
    bytes += EncodedSize(*e);
    push.entries.push_back(std::move(*e));
    if (bytes >= kAntiEntropyPageBytes) break;
  }
  if (!push.entries.empty()) {
    return Post(kAntiEntropyPushPath, EncodePushRequest(push), &AntiEntropyRound::OnPush);
  }
  // This batch is done; a truncated answer is asked again (what arrived now compares equal).
  if (!truncated_) batch_start_ += batch_size_;
  NextBatch();
}

void AntiEntropyRound::OnPush(const TransportResult& r) {
  if (!r.ok()) return Finish(RoundOutcome::kFailed);
  Result<uint64_t> stored = ParsePushResponse(r.body);
  if (!stored.ok()) return Finish(RoundOutcome::kFailed);
  pushed_ += *stored;
  deps_.metrics.entries_pushed += *stored;
  PushNext();
}

void AntiEntropyRound::Finish(RoundOutcome outcome) {
  const double seconds = std::chrono::duration<double>(deps_.clock.Now() - started_).count();
  if (pulled_ > 0 || pushed_ > 0) {
    spdlog::info(
        "Anti-entropy with {}: pulled {} and pushed {} entries ({} of {} buckets differed, {} "
        "digest bytes, {:.3f} s)",
        peer_.id, pulled_, pushed_, differing_.size(), scope_.buckets, digest_bytes_, seconds);
  } else {
    spdlog::debug("Anti-entropy with {}: {} ({} digest bytes, {:.3f} s)", peer_.id,
                  OutcomeName(outcome), digest_bytes_, seconds);
  }
  done_(outcome);
}

void AntiEntropyRound::Post(std::string_view path, std::string body, Step next) {
  std::string signature = deps_.config.secret.empty() ? "" : SignBody(deps_.config.secret, body);
  deps_.transport.Post(OutboundRequest{.host = peer_.address,
                                       .port = peer_.http_port,
                                       .path = path,
                                       .signature = std::move(signature),
                                       .body = std::move(body)},
                       deps_.guard.Wrap([self = shared_from_this(), next](TransportResult r) {
                         self->deps_.background(self->deps_.guard.Wrap(
                             [self, next, r = std::move(r)] { ((*self).*next)(r); }));
                       }));
}

}  // namespace repram::cluster
