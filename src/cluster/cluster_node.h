#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/batch_sender.h"
#include "cluster/callback_guard.h"
#include "cluster/catchup_client.h"
#include "cluster/cluster_config.h"
#include "cluster/dedup_cache.h"
#include "cluster/isolation_recovery.h"
#include "cluster/membership.h"
#include "cluster/message.h"
#include "cluster/metrics.h"
#include "cluster/peer_reply.h"
#include "cluster/pending_writes.h"
#include "cluster/seed_fetcher.h"
#include "cluster/sync_limiter.h"
#include "util/mutex.h"
#include "util/shared_bytes.h"

namespace repram::cluster {

// One node's cluster protocol (cluster.md): the gossip and bootstrap handlers, membership with
// ping rounds and eviction, replication with dedup and quorum, topology sync, bootstrap from
// seeds and isolation recovery. It sees the world only through ClusterDeps (Transport, Scheduler,
// Rng, ReplicaStore, SeedProvider, WsRelay) and ClusterHooks, so it is deterministic under fakes.
//
// Handlers answer first: they compute the reply, then hand follow-ups (ACK, PONG, SYNC answers,
// forwards, SYNC notifies) to Transport::Post before returning; Post only queues, so the caller
// writes the reply without waiting for any peer (D22).
//
// Thread-safe: every public method may be called concurrently from any thread. One mutex guards
// the protocol state; Transport, ReplicaStore, WsRelay, hooks and completion callbacks are never
// called while it is held. Shutdown: Stop() (or the destructor) cancels timers, completes pending
// writes with quorum=false, and guarantees that no callback of this node runs after it returns.
class ClusterNode {
 public:
  ClusterNode(ClusterConfig config, ClusterDeps deps, ClusterHooks hooks = {});
  ~ClusterNode();
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  // Schedules the ping, topology-sync and isolation timers (first runs one interval from now)
  // and bootstraps from config.seeds; bootstrapped (optional) runs once that pass finished.
  // REQUIRES: the HTTP listener is already open (cluster.md §7.3); called once.
  void Start(std::function<void()> bootstrapped = {});

  // Cancels every timer, completes pending writes with quorum=false and waits for running
  // callbacks. After it returns nothing of this node calls out. Idempotent.
  // REQUIRES: not called from a cluster callback or hook.
  void Stop();

  // POST /v1/gossip/message after the body was read: HMAC (403), parse (400), per-type handling.
  // With a cluster secret, a PUT whose timestamp is more than 30 s away from our wall clock is
  // dropped (accepted, not stored, counted in repram_gossip_rejected_total): a captured signed
  // PUT cannot bring a value back once the 60 s dedup window forgot its id. Nodes that share a
  // secret therefore need clocks within 30 s of each other (ordinary NTP suffices).
  // signature = X-Repram-Signature value (empty when absent); fanout_full = the request carried
  // `X-Repram-Fanout: full`. Returns the outcome; the integrator maps it to cluster.md §2 answers.
  PeerReply HandleGossip(std::string_view body, std::string_view signature, bool fanout_full);

  // POST /v1/gossip/batch after the body was read (docs/gossip-batch.md): HMAC over the whole
  // body (403), more than kMaxBatchMessages messages (kTooLarge, nothing handled), then each
  // message as HandleGossip would after its HMAC step. A bad message fails alone: the reply is a
  // kDocument listing the failed indexes (EncodeBatchReply). ACKs the batch causes leave
  // together once it is handled.
  PeerReply HandleGossipBatch(std::string_view body, std::string_view signature, bool fanout_full);

  // Handles an already authenticated and parsed message (HandleGossip after step 3).
  PeerReply HandleMessage(const SimpleMessage& msg, bool fanout_full);

  // The 403 bootstrap gate (§7.2 step 1): returns the reply when this node is on a public network
  // and not a root, nullopt otherwise. The server checks it before reading the body.
  std::optional<PeerReply> BootstrapGate() const;

  // POST /v1/bootstrap after the body was read: gate, HMAC, strict parse, addPeer, peer list
  // with ourselves last, then asynchronous propagated SYNC notifies (3 attempts, 1 s / 2 s).
  PeerReply HandleBootstrap(std::string_view body, std::string_view signature);

  // POST /v1/catchup after the body was read (§12): HMAC as §4 (403), strict parse (400
  // `Invalid JSON`), a requester of another enclave gets 403 `Enclave mismatch`, then one page of
  // live entries (ServeCatchupPage). 404 `404 page not found` when catch-up is off. All of it
  // runs on deps.background (never on the caller's I/O thread); reply is called once, from
  // there, or with kShuttingDown when the node stopped before the work ran.
  void HandleCatchup(std::string body, std::string signature, std::function<void(PeerReply)> reply);

  // Seam for the WS tree: a transient calls this after each attach to its parent, so it pulls what
  // it missed from that parent over HTTP (§12 "on a transient after each attach"). Starts a
  // catch-up pass with parent as the only candidate unless a pass is already running. Startup
  // bootstrap and isolation recovery trigger passes by themselves.
  void CatchUpFromParent(const NodeInfo& parent);

  // Replicates a client write the caller has already stored locally (§9.1): registers it,
  // broadcasts it (always, D19) and calls done(true) at quorum or done(false) after
  // write_timeout (or at Stop). done runs synchronously when the quorum is 1. With a WS tree,
  // the PUT is also pushed to our same-enclave children; on an attached transient it goes to
  // the parent over WS first and over HTTP to the other peers 1 s later (ws-tree.md §10.1).
  void ReplicateWrite(std::string_view key, std::string_view value, int64_t ttl_seconds,
                      std::function<void(bool quorum)> done);

  // Outcome of RelayChildPut.
  enum class RelayOutcome { kStored, kDuplicate, kInvalid, kStale, kStoreFailed };
  struct RelayResult {
    RelayOutcome outcome = RelayOutcome::kInvalid;
    bool congested = false;  // a target's queue was over half full after the send
  };
  // A substrate relays a PUT from a WS child (ws-tree.md §10.2 steps 2, 3 and 5): replay check
  // (kStale, as for HTTP gossip), dedup, store
  // (TTL clamped), then an originator broadcast to the enclave with `from` rewritten to us. The
  // caller ACKs the child and pushes to its siblings when this returns kStored. `sent` (may be
  // null) runs once when every mesh send finished (at once when there was none), on any thread,
  // unless the node stops first: the caller paces the child with it.
  RelayResult RelayChildPut(const SimpleMessage& put, const std::function<void()>& sent = nullptr);

  // Applies a `topology_sync` received over WS as the membership update of an HTTP SYNC
  // (§5.5 steps 1-4); never answered.
  void ApplyTopologySync(const SimpleMessage& msg);

  // Runs one isolation check now (§11); done(true) iff a re-bootstrap ran and left the peer
  // count above the threshold.
  void CheckIsolation(std::function<void(bool)> done);

  // Returns the current write quorum floor(min(enclave_peers + 1, replication) / 2) + 1.
  int Quorum() const;
  // Returns every known peer (all enclaves, never self), sorted by id.
  std::vector<NodeInfo> Peers() const;
  // Returns the peers of our enclave, sorted by id.
  std::vector<NodeInfo> SameEnclavePeers() const;
  // Returns the number of known peers (all enclaves).
  size_t PeerCount() const;
  // Returns this node as advertised (id, address, gossip port, http_port, enclave).
  const NodeInfo& self() const { return self_; }

  // Returns how PUTs and ACKs to peer travel now (batched, single, or not known yet).
  BatchSender::Mode BatchModeOf(const NodeInfo& peer) const {
    return batcher_ ? batcher_->ModeOf(peer) : BatchSender::Mode::kSingle;
  }

  // Returns the cluster's counters and gauges.
  const ClusterMetrics& metrics() const { return metrics_; }
  // Returns the cluster series in Prometheus text format 0.0.4, for /v1/metrics.
  std::string RenderMetrics() const { return metrics_.RenderPrometheus(); }

 private:
  PeerReply HandlePut(const SimpleMessage& msg, bool fanout_full) EXCLUDES(mu_);
  // Returns true (and counts it) when a secret is set and put's timestamp is more than
  // kMaxPutSkew away from our wall clock: a replay, or a peer whose clock is off.
  bool StalePut(const SimpleMessage& put);
  void HandleAck(const SimpleMessage& msg) EXCLUDES(mu_);
  void HandlePing(const SimpleMessage& msg) EXCLUDES(mu_);
  void HandlePong(const SimpleMessage& msg) EXCLUDES(mu_);
  // HandlePong's membership update.
  void RecordPongFrom(const SimpleMessage& msg) EXCLUDES(mu_);
  void HandleSync(const SimpleMessage& msg) EXCLUDES(mu_);

  void PingRound() EXCLUDES(mu_);
  void SyncRound() EXCLUDES(mu_);
  // Arms the single write-timeout timer.
  void ArmWriteTimer(Duration delay) REQUIRES(mu_);
  // Answers every write whose deadline passed (202 without quorum), then re-arms.
  void OnWriteTimer() EXCLUDES(mu_);
  // A send a write waited for (backpressure) finished: completes the write if that was all.
  void ReleaseHold(const std::string& message_id) EXCLUDES(mu_);
  // Runs the joiner algorithm; done(joined) runs once, joined = at least one seed answered.
  void Bootstrap(const std::vector<std::string>& seeds, bool refresh_on_failure,
                 std::function<void(bool joined)> done) EXCLUDES(mu_);
  // Adds the peers a bootstrap pass learned (§7.3 step 4-5). Returns whether a seed answered.
  bool OnBootstrapped(const SeedFetchResult& result, bool refresh_on_failure) EXCLUDES(mu_);
  // Starts a catch-up pass from the same-enclave peers sorted by id (§12), unless one runs.
  void CatchUpFromEnclave() EXCLUDES(mu_);
  // Returns the peers a PUT we originate (or relay for a child) goes to: all of enclave up to the
  // full-fanout limit (full = true), else a random sample of FanoutSize (cluster.md §9).
  std::vector<NodeInfo> OriginatorTargets(std::vector<NodeInfo> enclave, bool& full) REQUIRES(mu_);
  // Queues the delayed HTTP copy of a write sent to our WS parent (ws-tree.md §10.1 step 3).
  void ScheduleBackfill(SimpleMessage put, std::vector<NodeInfo> targets, bool full) EXCLUDES(mu_);
  // Sends every backfill that is due, then re-arms.
  void OnBackfillTimer() EXCLUDES(mu_);
  // Posts a bootstrap notify (its encoded SYNC, resent as is) to peer, up to kNotifyAttempts
  // times, 1 s then 2 s apart. Holds only the peer and the shared body while in flight.
  void NotifyWithRetry(const NodeInfo& peer, const SharedBytes& body, int attempt) EXCLUDES(mu_);
  // HandleCatchup's work: the reply to one catch-up request.
  PeerReply ServeCatchup(std::string_view body, std::string_view signature) const;

  // Encodes, signs and posts msg to peer; on_done(ok_2xx) runs on completion (if still open).
  // Like every transport call, never with mu_ held.
  void Send(const NodeInfo& peer, const SimpleMessage& msg, bool fanout_full,
            std::function<void(bool)> on_done = {}) EXCLUDES(mu_);
  // Sends the same message to every peer, encoding and signing the body once; on_done (if
  // any) runs once per peer.
  void SendToAll(std::span<const NodeInfo> peers, const SimpleMessage& msg, bool fanout_full,
                 std::function<void(bool)> on_done = nullptr) EXCLUDES(mu_);
  // Posts one encoded gossip body of the given type to every peer: every request shares body
  // (one copy however many peers), signed once.
  void PostToAll(std::span<const NodeInfo> peers, MessageType type, const SharedBytes& body,
                 bool fanout_full, std::function<void(bool)> on_done = nullptr) EXCLUDES(mu_);
  // Returns whether sends to peer queue up while it still answers (backpressure): in the batch
  // queue or in the transport.
  bool PeerCongested(const NodeInfo& peer) const;
  // Returns the completion of one send to peer_id: records its latency and outcome, then runs
  // on_done (if any).
  // (A lambda, so the transport's completion holds it without one more std::function.)
  auto SendDone(const std::string& peer_id, MessageType type, std::function<void(bool)> on_done);
  SimpleMessage NewMessage(std::string_view type) const;
  // Hands the peers that came back to hooks_.on_peer_rejoined.
  void ReportRejoined() EXCLUDES(mu_);
  // Records an AddPeer outcome in the metrics.
  void NoteAdd(AddResult result) REQUIRES(mu_);
  // Refreshes repram_peers_active and repram_isolated.
  void UpdatePeerGauges() REQUIRES(mu_);

  const ClusterConfig config_;
  const NodeInfo self_;
  Scheduler& scheduler_;
  const Clock& clock_;
  Rng& rng_;
  Transport& transport_;
  ReplicaStore& store_;
  WsRelay* const ws_relay_;
  TtlStore* const catchup_store_;
  const std::function<void(std::function<void()>)> background_;
  const ClusterHooks hooks_;
  const SeedFetcher fetcher_;
  ClusterMetrics metrics_;
  CallbackGuard guard_;
  std::unique_ptr<IsolationRecovery> recovery_;
  std::unique_ptr<CatchupClient> catchup_;  // null when catch-up is off
  std::unique_ptr<BatchSender> batcher_;    // PUTs and ACKs; null when gossip_batch is off

  mutable Mutex mu_;
  bool stopped_ GUARDED_BY(mu_) = false;
  Membership membership_ GUARDED_BY(mu_);
  DedupCache dedup_ GUARDED_BY(mu_);
  PendingWrites pending_ GUARDED_BY(mu_);
  // (deadline, message id) of every write sent for quorum, oldest first, and the one timer that
  // fires at the oldest deadline (instead of a timer per write).
  std::deque<std::pair<MonoTime, std::string>> write_deadlines_ GUARDED_BY(mu_);
  std::unique_ptr<Scheduler::Task> write_timer_ GUARDED_BY(mu_);
  // HTTP copies of writes sent to the WS parent, oldest first, and the one timer for them.
  struct Backfill {
    MonoTime due;
    SimpleMessage put;
    std::vector<NodeInfo> targets;
    bool full = false;
  };
  std::deque<Backfill> backfills_ GUARDED_BY(mu_);
  std::unique_ptr<Scheduler::Task> backfill_timer_ GUARDED_BY(mu_);
  SyncLimiter sync_limiter_ GUARDED_BY(mu_);
  std::unique_ptr<Scheduler::Task> ping_timer_ GUARDED_BY(mu_);
  std::unique_ptr<Scheduler::Task> sync_timer_ GUARDED_BY(mu_);
  uint64_t next_retry_id_ GUARDED_BY(mu_) = 0;
  std::map<uint64_t, std::unique_ptr<Scheduler::Task>> retry_timers_ GUARDED_BY(mu_);
};

}  // namespace repram::cluster
