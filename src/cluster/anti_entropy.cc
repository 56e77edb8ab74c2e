#include "cluster/anti_entropy.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "cluster/anti_entropy_codec.h"
#include "cluster/anti_entropy_repair.h"
#include "cluster/anti_entropy_round.h"
#include "cluster/hmac.h"
#include "store/digest.h"
#include "util/prometheus.h"

namespace repram::cluster {
namespace {

PeerReply Json(std::string body) {
  body.push_back('\n');
  return PeerReply{PeerOutcome::kDocument, std::move(body)};
}

PeerReply InvalidJson() { return PeerReply{PeerOutcome::kInvalidJson}; }
PeerReply WrongEnclave() { return PeerReply{PeerOutcome::kEnclaveConflict}; }

WallTime CutoffOf(const AntiEntropyScope& scope) {
  return WallTime(std::chrono::milliseconds(scope.cutoff_unix_ms));
}

}  // namespace

AntiEntropy::AntiEntropy(AntiEntropyConfig config, AntiEntropyDeps deps)
    : config_(std::move(config)),
      scheduler_(deps.scheduler),
      clock_(deps.scheduler.clock()),
      rng_(deps.rng),
      transport_(deps.transport),
      store_(deps.store),
      peers_(std::move(deps.peers)),
      background_(std::move(deps.background)) {}

AntiEntropy::~AntiEntropy() { Stop(); }

void AntiEntropy::Start() {
  if (config_.interval <= Duration::zero()) return;
  MutexLock lock(mu_);
  if (stopped_) return;
  const MonoTime now = clock_.Now();
  next_periodic_ = now + config_.interval;
  tick_due_ = now + config_.tick;
  tick_ = scheduler_.After(config_.tick, guard_.Wrap([this] { Tick(); }));
}

void AntiEntropy::Stop() {
  guard_.Close();
  std::unique_ptr<Scheduler::Task> tick;
  MutexLock lock(mu_);
  stopped_ = true;
  tick = std::move(tick_);
  queued_.clear();
}

void AntiEntropy::Tick() {
  bool periodic = false;
  bool late = false;
  Duration lateness{};
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    const MonoTime now = clock_.Now();
    lateness = now - tick_due_;
    late = lateness > 2 * config_.tick;
    if (now >= next_periodic_) {
      periodic = true;
      next_periodic_ = now + config_.interval;
    }
    tick_due_ = now + config_.tick;
    tick_ = scheduler_.After(config_.tick, guard_.Wrap([this] { Tick(); }));
  }
  if (late) {
    spdlog::info(
        "Anti-entropy timer fired {:.3f} s late (process frozen or starved); "
        "reconciling now",
        std::chrono::duration<double>(lateness).count());
    for (const NodeInfo& peer : peers_()) OnPeerRejoined(peer);
  } else if (periodic) {
    StartRandomRound("periodic");
  }
}

void AntiEntropy::OnPeerRejoined(const NodeInfo& peer) {
  std::optional<NodeInfo> start;
  {
    MutexLock lock(mu_);
    if (stopped_ || config_.interval <= Duration::zero() || upstream_.contains(peer.id) ||
        NormalizeEnclave(peer.enclave) != config_.enclave) {
      return;
    }
    const MonoTime now = clock_.Now();
    auto it = last_triggered_.find(peer.id);
    if (it != last_triggered_.end() && now - it->second < config_.interval) return;
    last_triggered_[peer.id] = now;
    start = Enqueue(peer);
  }
  spdlog::debug("Anti-entropy round with {} triggered", peer.id);
  if (start) StartRound(*start);
}

std::optional<NodeInfo> AntiEntropy::Enqueue(const NodeInfo& peer) {
  if (!running_) {
    running_ = true;
    return peer;
  }
  const bool queued = std::any_of(queued_.begin(), queued_.end(),
                                  [&](const NodeInfo& p) { return p.id == peer.id; });
  if (!queued) queued_.push_back(peer);
  return std::nullopt;
}

void AntiEntropy::StartRandomRound(std::string_view reason) {
  std::vector<NodeInfo> candidates = peers_();
  std::optional<NodeInfo> start;
  {
    MutexLock lock(mu_);
    if (stopped_ || running_) return;
    for (auto it = candidates.begin(); it != candidates.end();) {  // no lambda: it reads upstream_
      it = upstream_.contains(it->id) ? candidates.erase(it) : it + 1;
    }
    if (candidates.empty()) return;
    start = Enqueue(candidates[rng_.Below(candidates.size())]);
  }
  spdlog::debug("Anti-entropy {} round with {}", reason, start->id);
  StartRound(*start);
}

void AntiEntropy::StartRound(const NodeInfo& peer) {
  AntiEntropyRound::Run(RoundDeps{.config = config_,
                                  .clock = clock_,
                                  .transport = transport_,
                                  .store = store_,
                                  .metrics = metrics_,
                                  .guard = guard_,
                                  .background = background_},
                        peer, [this, peer](RoundOutcome outcome) { FinishRound(peer, outcome); });
}

void AntiEntropy::FinishRound(const NodeInfo& peer, RoundOutcome outcome) {
  switch (outcome) {
    case RoundOutcome::kEqual:
      ++metrics_.rounds_equal;
      break;
    case RoundOutcome::kRepaired:
      ++metrics_.rounds_repaired;
      break;
    case RoundOutcome::kFailed:
    case RoundOutcome::kUpstream:
      ++metrics_.rounds_failed;
      break;
  }
  std::optional<NodeInfo> next;
  {
    MutexLock lock(mu_);
    if (outcome == RoundOutcome::kUpstream && upstream_.insert(peer.id).second) {
      spdlog::info("Peer {} answers 404 on {}: an upstream node, never asked again", peer.id,
                   kAntiEntropyDigestPath);
    }
    running_ = false;
    while (!queued_.empty() && !next) {
      NodeInfo candidate = std::move(queued_.front());
      queued_.pop_front();
      if (!upstream_.contains(candidate.id)) next = Enqueue(candidate);
    }
  }
  if (next) StartRound(*next);
}

bool AntiEntropy::IsUpstream(std::string_view peer_id) const {
  MutexLock lock(mu_);
  return upstream_.contains(peer_id);
}

void AntiEntropy::HandleDigest(std::string body, std::string signature, Reply reply) {
  Serve(std::move(body), std::move(signature), std::move(reply),
        [this](std::string_view b) { return Digest(b); });
}

void AntiEntropy::HandleDiff(std::string body, std::string signature, Reply reply) {
  Serve(std::move(body), std::move(signature), std::move(reply),
        [this](std::string_view b) { return Diff(b); });
}

void AntiEntropy::HandlePush(std::string body, std::string signature, Reply reply) {
  Serve(std::move(body), std::move(signature), std::move(reply),
        [this](std::string_view b) { return Push(b); });
}

void AntiEntropy::Serve(std::string body, std::string signature, Reply reply,
                        std::function<PeerReply(std::string_view body)> work) {
  auto pending = std::make_shared<Reply>(std::move(reply));
  // The HMAC of a 16 MiB body costs tens of milliseconds: it runs on the worker too.
  auto run = guard_.Wrap([this, pending, body = std::move(body), signature = std::move(signature),
                          work = std::move(work)] {
    std::optional<PeerReply> failure = SignatureFailure(config_.secret, body, signature);
    PeerReply answer = failure ? std::move(*failure) : work(body);
    std::exchange(*pending, nullptr)(std::move(answer));
  });
  background_([run = std::move(run), pending]() mutable {
    run();
    if (*pending) std::exchange(*pending, nullptr)(PeerReply{PeerOutcome::kShuttingDown});
  });
}

PeerReply AntiEntropy::Digest(std::string_view body) {
  Result<AntiEntropyScope> scope = ParseDigestRequest(body);
  if (!scope.ok()) return InvalidJson();
  if (NormalizeEnclave(scope->enclave) != config_.enclave) return WrongEnclave();
  return Json(
      EncodeDigestResponse(store::ComputeDigest(store_, clock_, scope->buckets, CutoffOf(*scope))));
}

PeerReply AntiEntropy::Diff(std::string_view body) {
  Result<DiffRequest> req = ParseDiffRequest(body);
  if (!req.ok()) return InvalidJson();
  if (NormalizeEnclave(req->scope.enclave) != config_.enclave) return WrongEnclave();
  std::vector<bool> selected(req->scope.buckets, false);
  for (uint32_t id : req->bucket_ids) selected[id] = true;
  const Comparison cmp = CompareBuckets(
      store::SummarizeBuckets(store_, clock_, selected, CutoffOf(req->scope)), req->summary);
  DiffResponse resp;
  resp.want = cmp.want;
  size_t bytes = 0;
  for (const std::string& key : cmp.send) {
    if (bytes >= kAntiEntropyPageBytes) {
      resp.truncated = true;
      break;
    }
    if (std::optional<TransferEntry> e = ReadTransfer(store_, clock_, key)) {
      bytes += EncodedSize(*e);
      resp.entries.push_back(std::move(*e));
    }
  }
  return Json(EncodeDiffResponse(resp));
}

PeerReply AntiEntropy::Push(std::string_view body) {
  Result<PushRequest> req = ParsePushRequest(body);
  if (!req.ok()) return InvalidJson();
  if (NormalizeEnclave(req->enclave) != config_.enclave) return WrongEnclave();
  bool full = false;
  const uint64_t stored = ApplyTransfers(store_, req->entries, &full);
  metrics_.entries_pulled += stored;
  if (stored > 0) {
    spdlog::info("Anti-entropy: stored {} of {} entries pushed by {}{}", stored,
                 req->entries.size(), req->node_id, full ? " (storage full)" : "");
  }
  return Json(EncodePushResponse(stored));
}

std::string AntiEntropy::RenderMetrics() const {
  std::string out;
  PrometheusWriter w(out);
  constexpr std::string_view kRounds = "repram_anti_entropy_rounds_total";
  w.Family(kRounds, "counter", "Anti-entropy rounds this node started, by result.");
  w.LabelledSample(kRounds, "result", "equal", metrics_.rounds_equal.load());
  w.LabelledSample(kRounds, "result", "repaired", metrics_.rounds_repaired.load());
  w.LabelledSample(kRounds, "result", "failed", metrics_.rounds_failed.load());
  constexpr std::string_view kEntries = "repram_anti_entropy_entries_total";
  w.Family(kEntries, "counter",
           "Entries stored by anti-entropy: pulled = stored here, pushed = stored by a peer.");
  w.LabelledSample(kEntries, "direction", "pulled", metrics_.entries_pulled.load());
  w.LabelledSample(kEntries, "direction", "pushed", metrics_.entries_pushed.load());
  w.Single("repram_anti_entropy_digest_bytes_total", "counter",
           "Bytes of digest requests and answers of the rounds this node started.",
           metrics_.digest_bytes.load());
  return out;
}

}  // namespace repram::cluster
