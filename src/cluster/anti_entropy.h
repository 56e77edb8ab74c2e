#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/anti_entropy_codec.h"
#include "cluster/anti_entropy_config.h"
#include "cluster/callback_guard.h"
#include "cluster/node_info.h"
#include "cluster/peer_reply.h"
#include "cluster/transport.h"
#include "store/ttl_store.h"
#include "util/mutex.h"
#include "util/rng.h"
#include "util/scheduler.h"

namespace repram::cluster {

// What anti-entropy talks to. Every reference must outlive the AntiEntropy.
struct AntiEntropyDeps {
  Scheduler& scheduler;  // the tick timer; its clock is the node's clock
  Rng& rng;              // the random peer of a periodic round
  Transport& transport;  // digest, diff and push POSTs
  TtlStore& store;       // the entries compared and repaired (never re-gossiped)
  std::function<std::vector<NodeInfo>()> peers;  // current same-enclave peers
  // Runs work off the I/O threads (scans, hashing, JSON of large bodies). Tests run it inline.
  std::function<void(std::function<void()>)> background;
};

// Anti-entropy between this node and its C++ same-enclave peers (cluster.md §12.1, design in
// docs/anti-entropy.md): digests of bucketed entry hashes first, then summaries of the differing
// buckets, then only the entries one side lacks (or holds with an older different value), in
// both directions, each stored with its remaining lifetime.
//
// Rounds run one at a time: periodically with a random peer, and at once (at most once per
// interval per peer) when a peer rejoins (OnPeerRejoined) or when the tick timer fires more than
// two ticks late. A peer that answers 404 is remembered as upstream and never chosen again.
// The serving side (Handle*) verifies the HMAC and does all scanning and parsing through
// deps.background, then answers through `reply` (from that thread).
//
// Thread-safe. One mutex guards the scheduling state; Transport, store, peers and background
// are never called while it is held. Stop() cancels the timer and waits for running callbacks.
class AntiEntropy {
 public:
  using Reply = std::function<void(PeerReply)>;

  AntiEntropy(AntiEntropyConfig config, AntiEntropyDeps deps);
  ~AntiEntropy();
  AntiEntropy(const AntiEntropy&) = delete;
  AntiEntropy& operator=(const AntiEntropy&) = delete;

  // Starts the tick timer (first tick one tick from now). Nothing happens when interval is 0.
  void Start();
  // Cancels the timer, drops queued rounds and waits for running callbacks. Idempotent.
  void Stop();

  // A peer we had evicted came back, or answers our ping rounds again after failing: reconcile
  // with it now, unless a triggered round with it started less than one interval ago.
  void OnPeerRejoined(const NodeInfo& peer);

  // POST /v1/antientropy/digest, /diff and /push after the body was read: HMAC (403), parse
  // (400), enclave (409), then the answer of docs/anti-entropy.md, delivered through reply.
  void HandleDigest(std::string body, std::string signature, Reply reply);
  void HandleDiff(std::string body, std::string signature, Reply reply);
  void HandlePush(std::string body, std::string signature, Reply reply);

  // Returns true once the peer answered 404 on our route (an upstream node).
  bool IsUpstream(std::string_view peer_id) const;
  // Returns the counters.
  const AntiEntropyMetrics& metrics() const { return metrics_; }
  // Returns the anti-entropy series in Prometheus text format 0.0.4.
  std::string RenderMetrics() const;

 private:
  void Tick();
  // Queues a round with peer, or starts it when none runs. Returns the peer to start now (the
  // caller starts it after unlocking) or nullopt.
  std::optional<NodeInfo> Enqueue(const NodeInfo& peer) REQUIRES(mu_);
  // Starts a round with one random eligible peer, if any.
  void StartRandomRound(std::string_view reason) EXCLUDES(mu_);
  void StartRound(const NodeInfo& peer);
  void FinishRound(const NodeInfo& peer, RoundOutcome outcome);
  // Runs work on the background executor and replies with its result; answers 503 when the
  // node stopped before it ran.
  void Serve(std::string body, std::string signature, Reply reply,
             std::function<PeerReply(std::string_view body)> work);
  PeerReply Digest(std::string_view body);
  PeerReply Diff(std::string_view body);
  PeerReply Push(std::string_view body);

  const AntiEntropyConfig config_;
  Scheduler& scheduler_;
  const Clock& clock_;
  Rng& rng_;
  Transport& transport_;
  TtlStore& store_;
  const std::function<std::vector<NodeInfo>()> peers_;
  const std::function<void(std::function<void()>)> background_;
  AntiEntropyMetrics metrics_;
  CallbackGuard guard_;

  mutable Mutex mu_;
  bool stopped_ GUARDED_BY(mu_) = false;
  std::unique_ptr<Scheduler::Task> tick_ GUARDED_BY(mu_);
  MonoTime tick_due_ GUARDED_BY(mu_);
  MonoTime next_periodic_ GUARDED_BY(mu_);
  bool running_ GUARDED_BY(mu_) = false;  // a round is in flight
  std::deque<NodeInfo> queued_ GUARDED_BY(mu_);
  std::map<std::string, MonoTime, std::less<>> last_triggered_ GUARDED_BY(mu_);
  std::set<std::string, std::less<>> upstream_ GUARDED_BY(mu_);
};

}  // namespace repram::cluster
