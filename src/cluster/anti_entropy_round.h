#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cluster/anti_entropy_codec.h"
#include "cluster/anti_entropy_config.h"
#include "cluster/callback_guard.h"
#include "cluster/node_info.h"
#include "cluster/transport.h"
#include "store/ttl_store.h"

namespace repram::cluster {

// What a round uses; owned by AntiEntropy, which outlives its rounds (Stop closes the guard).
struct RoundDeps {
  const AntiEntropyConfig& config;
  const Clock& clock;
  Transport& transport;
  TtlStore& store;
  AntiEntropyMetrics& metrics;
  const CallbackGuard& guard;  // every continuation runs through it
  const std::function<void(std::function<void()>)>& background;
};

// The requesting side of one reconciliation with one peer (docs/anti-entropy.md): digest, then
// per batch of differing buckets a diff (pull) and pushes of what the peer wants. Every step
// runs on the background executor; transport completions only hand over to it.
class AntiEntropyRound : public std::enable_shared_from_this<AntiEntropyRound> {
 public:
  // Starts a round; done runs once with the outcome (not at all after the guard closed).
  static void Run(const RoundDeps& deps, NodeInfo peer, std::function<void(RoundOutcome)> done);

  AntiEntropyRound(const RoundDeps& deps, NodeInfo peer, std::function<void(RoundOutcome)> done)
      : deps_(deps), peer_(std::move(peer)), done_(std::move(done)) {}

 private:
  using Step = void (AntiEntropyRound::*)(const TransportResult&);

  void Begin();
  void OnDigest(const TransportResult& r);
  void NextBatch();
  void OnDiff(const TransportResult& r);
  void PushNext();
  void OnPush(const TransportResult& r);
  void Finish(RoundOutcome outcome);
  // Signs and posts body to the peer; `next` runs on the background executor with the answer.
  void Post(std::string_view path, std::string body, Step next);

  RoundDeps deps_;
  const NodeInfo peer_;
  std::function<void(RoundOutcome)> done_;
  const MonoTime started_ = deps_.clock.Now();

  AntiEntropyScope scope_;
  std::vector<uint64_t> own_digest_;
  std::vector<uint32_t> differing_;  // bucket ids still to reconcile
  size_t batch_start_ = 0;
  size_t batch_size_ = 1;
  size_t requests_ = 0;                                   // diffs sent this round (bounded)
  std::unordered_map<uint64_t, std::string> batch_keys_;  // key hash -> key of our batch copies
  std::vector<std::string> to_push_;                      // keys the peer wants, not yet pushed
  bool truncated_ = false;
  uint64_t pulled_ = 0;
  uint64_t pushed_ = 0;
  uint64_t digest_bytes_ = 0;
  bool full_ = false;
};

}  // namespace repram::cluster
