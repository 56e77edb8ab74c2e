#include "cluster/cluster_node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <utility>

#include "cluster/bootstrap_codec.h"
#include "cluster/catchup_codec.h"
#include "cluster/catchup_server.h"
#include "cluster/gossip_batch.h"
#include "cluster/hmac.h"
#include "cluster/message_id.h"
#include "cluster/quorum.h"
#include "util/limits.h"

namespace repram::cluster {
namespace {

// Receivers without `X-Repram-Fanout: full` forward only when their enclave has more peers
// than this (the upstream rule, cluster.md §9.2).
constexpr size_t kForwardThreshold = 10;
constexpr int kNotifyAttempts = 3;
// Delay of the HTTP copy of a write an attached transient sent to its parent (ws-tree.md §10.1).
constexpr Duration kWsBackfillDelay = std::chrono::seconds(1);
// With a secret, a PUT stamped further than this from our clock is dropped as a replay: well
// under the 60 s dedup window, well over forwarding delays and NTP-synchronized clock skew.
constexpr int64_t kMaxPutSkewSeconds = 30;

// Returns body as a buffer shared by every peer's request. The JSON writer grows by doubling,
// so a large body may carry up to as much unused capacity; it is trimmed first, because the
// buffer lives as long as the slowest peer's request.
SharedBytes Share(std::string body) {
  if (body.capacity() - body.size() > 64 * 1024) body.shrink_to_fit();
  return SharedBytes(std::move(body));
}

NodeInfo SelfInfo(const ClusterConfig& config) {
  return NodeInfo{.id = config.node_id,
                  .address = config.address,
                  .gossip_port = config.gossip_port,
                  .http_port = config.http_port,
                  .enclave = NormalizeEnclave(config.enclave)};
}

}  // namespace

ClusterNode::ClusterNode(ClusterConfig config, ClusterDeps deps, ClusterHooks hooks)
    : config_(std::move(config)),
      self_(SelfInfo(config_)),
      scheduler_(deps.scheduler),
      clock_(deps.scheduler.clock()),
      rng_(deps.rng),
      transport_(deps.transport),
      store_(deps.store),
      ws_relay_(deps.ws_relay),
      catchup_store_(deps.catchup_store),
      background_(std::move(deps.background)),
      hooks_(std::move(hooks)),
      fetcher_(deps.transport, config_.secret),
      membership_(self_),
      sync_limiter_(config_.sync_interval) {
  recovery_ = std::make_unique<IsolationRecovery>(
      IsolationRecovery::Options{.interval = config_.isolation_interval,
                                 .max_backoff = config_.isolation_max_backoff,
                                 .threshold = config_.isolation_threshold},
      scheduler_, rng_, metrics_, deps.recovery_seeds, [this] { return PeerCount(); },
      [this](const std::vector<std::string>& seeds, std::function<void()> done) {
        Bootstrap(seeds, /*refresh_on_failure=*/false, [done = std::move(done)](bool) { done(); });
      },
      hooks_.request_omega_refresh, [this] { CatchUpFromEnclave(); });
  if (catchup_store_ != nullptr) {
    // 1,000-entry pages (~140 KB at 100-byte values); with pipelining the two nodes work in
    // parallel and 1M entries take a few seconds (bench/README.md, catch-up).
    CatchupClient::Options options{.node_id = self_.id,
                                   .enclave = self_.enclave,
                                   .secret = config_.secret,
                                   .page_limit = kCatchupDefaultLimit,
                                   .max_ttl = config_.max_ttl};
    catchup_ = std::make_unique<CatchupClient>(std::move(options), transport_, clock_,
                                               *catchup_store_, metrics_);
  }
  if (config_.gossip_batch) {
    batcher_ = std::make_unique<BatchSender>(BatchSender::Options{.secret = config_.secret},
                                             transport_, clock_, metrics_, guard_);
  }
  MutexLock lock(mu_);
  UpdatePeerGauges();
}

ClusterNode::~ClusterNode() { Stop(); }

void ClusterNode::Start(std::function<void()> bootstrapped) {
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    ping_timer_ = scheduler_.After(config_.ping_interval, guard_.Wrap([this] { PingRound(); }));
    sync_timer_ = scheduler_.After(config_.sync_interval, guard_.Wrap([this] { SyncRound(); }));
  }
  recovery_->Start();
  Bootstrap(config_.seeds, /*refresh_on_failure=*/true,
            [this, bootstrapped = std::move(bootstrapped)](bool joined) {
              if (joined) CatchUpFromEnclave();
              if (bootstrapped) bootstrapped();
            });
}

void ClusterNode::Stop() {
  recovery_->Stop();
  if (catchup_) catchup_->Stop();
  guard_.Close();
  std::unique_ptr<Scheduler::Task> ping_timer;
  std::unique_ptr<Scheduler::Task> sync_timer;
  std::unique_ptr<Scheduler::Task> write_timer;
  std::unique_ptr<Scheduler::Task> backfill_timer;
  std::map<uint64_t, std::unique_ptr<Scheduler::Task>> retry_timers;
  std::vector<PendingWrites::Done> pending;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    ping_timer = std::move(ping_timer_);
    sync_timer = std::move(sync_timer_);
    write_timer = std::move(write_timer_);
    write_deadlines_.clear();
    backfill_timer = std::move(backfill_timer_);
    backfills_.clear();
    retry_timers.swap(retry_timers_);
    pending = pending_.TakeAll();
  }
  for (PendingWrites::Done& done : pending) done(false);
}

PeerReply ClusterNode::HandleGossip(std::string_view body, std::string_view signature,
                                    bool fanout_full) {
  if (auto failure = SignatureFailure(config_.secret, body, signature)) return *failure;
  Result<SimpleMessage> msg = ParseMessage(body);
  if (!msg.ok()) return PeerReply{PeerOutcome::kInvalidJson};
  return HandleMessage(*msg, fanout_full);
}

PeerReply ClusterNode::HandleGossipBatch(std::string_view body, std::string_view signature,
                                         bool fanout_full) {
  if (auto failure = SignatureFailure(config_.secret, body, signature)) return *failure;
  Result<std::vector<std::string_view>> bodies = SplitBatch(body);
  if (!bodies.ok()) return PeerReply{PeerOutcome::kTooLarge};
  metrics_.batches_received_total++;
  metrics_.batch_messages_received_total += bodies->size();
  std::vector<BatchFailure> failures;
  {
    std::optional<BatchSender::Cork> cork;  // the ACKs of this batch leave as one batch
    if (batcher_) cork.emplace(*batcher_);
    for (size_t i = 0; i < bodies->size(); ++i) {
      Result<SimpleMessage> msg = ParseMessage((*bodies)[i]);
      PeerReply reply =
          msg.ok() ? HandleMessage(*msg, fanout_full) : PeerReply{PeerOutcome::kInvalidJson};
      if (!reply.ok()) failures.push_back(BatchFailure{.index = i, .reply = std::move(reply)});
    }
  }
  return PeerReply{PeerOutcome::kDocument, EncodeBatchReply(failures)};
}

PeerReply ClusterNode::HandleMessage(const SimpleMessage& msg, bool fanout_full) {
  const MessageType type = TypeOf(msg.type);
  metrics_.CountReceived(type);
  switch (type) {
    case MessageType::kPut:
      return HandlePut(msg, fanout_full);
    case MessageType::kAck:
      HandleAck(msg);
      break;
    case MessageType::kPing:
      HandlePing(msg);
      break;
    case MessageType::kPong:
      HandlePong(msg);
      break;
    case MessageType::kSync:
      HandleSync(msg);
      break;
    case MessageType::kOther:
      break;
  }
  return PeerReply{PeerOutcome::kAccepted};
}

PeerReply ClusterNode::HandlePut(const SimpleMessage& msg, bool fanout_full) {
  if (Status valid = ValidatePut(msg); !valid.ok()) {
    return PeerReply{PeerOutcome::kInvalidMessage, valid.message()};
  }
  if (StalePut(msg)) return PeerReply{PeerOutcome::kAccepted};
  {
    MutexLock lock(mu_);
    if (!dedup_.MarkFirstSeen(msg.message_id, clock_.Now()))
      return PeerReply{PeerOutcome::kAccepted};
  }
  if (Status stored =
          store_.Put(msg.key, msg.data, ClampTtl(msg.ttl, config_.min_ttl, config_.max_ttl));
      !stored.ok()) {
    const std::string reason = stored.code() == StatusCode::kFull
                                   ? std::string("node storage capacity exceeded")
                                   : stored.message();
    spdlog::warn("Replica store of {} failed: {}", msg.message_id, reason);
    return PeerReply{PeerOutcome::kStoreFailed, reason};
  }

  std::optional<NodeInfo> originator;
  std::vector<NodeInfo> forward_to;
  {
    MutexLock lock(mu_);
    if (stopped_) return PeerReply{PeerOutcome::kAccepted};
    originator = membership_.Find(msg.from);
    const size_t enclave = membership_.SameEnclaveCount();
    if (!fanout_full && enclave > kForwardThreshold) {
      forward_to = membership_.SampleSameEnclave(FanoutSize(enclave), msg.from, rng_);
    }
  }
  SimpleMessage ack;  // NewMessage without a fresh id: an ACK carries the PUT's id
  ack.type = "ACK";
  ack.from = self_.id;
  ack.to = msg.from;
  ack.key = msg.key;
  ack.timestamp =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.WallNow().time_since_epoch()).count();
  ack.message_id = msg.message_id;
  if (ws_relay_ != nullptr && ws_relay_->SendAck(ack)) {
    metrics_.CountSent(MessageType::kAck);
  } else if (originator) {
    Send(*originator, ack, false);
  }
  if (!forward_to.empty()) {
    SimpleMessage forward = msg;
    forward.to.clear();
    forward.node_info.reset();
    metrics_.forwards_total += forward_to.size();
    SendToAll(forward_to, forward, false);
  }
  if (ws_relay_ != nullptr) ws_relay_->PushToChildren(msg);
  return PeerReply{PeerOutcome::kAccepted};
}

bool ClusterNode::StalePut(const SimpleMessage& put) {
  if (config_.secret.empty()) return false;  // open mode: upstream behaviour, no clock rule
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.WallNow().time_since_epoch()).count();
  if (put.timestamp >= now - kMaxPutSkewSeconds && put.timestamp <= now + kMaxPutSkewSeconds) {
    return false;
  }
  metrics_.rejected_stale_timestamp++;
  spdlog::debug("Dropped PUT {} from {}: timestamp {} is {} s from our clock", put.message_id,
                put.from, put.timestamp, put.timestamp - now);
  return true;
}

void ClusterNode::HandleAck(const SimpleMessage& msg) {
  std::optional<PendingWrites::Done> done;
  bool ours = false;
  {
    MutexLock lock(mu_);
    ours = pending_.Contains(msg.message_id);
    if (ours && msg.from != self_.id) {
      const int quorum = QuorumSize(membership_.SameEnclaveCount(), config_.replication);
      done = pending_.OnAck(msg.message_id, msg.from, quorum);
    }
  }
  if (done) {
    (*done)(true);
  } else if (!ours && ws_relay_ != nullptr) {
    ws_relay_->RouteAck(msg);
  }
}

void ClusterNode::HandlePing(const SimpleMessage& msg) {
  std::optional<NodeInfo> pinger;
  {
    MutexLock lock(mu_);
    if (!membership_.Contains(msg.from) && membership_.Readmit(msg.from)) {
      NoteAdd(AddResult::kAdded);
    }
    pinger = membership_.Find(msg.from);
  }
  ReportRejoined();
  if (!pinger) return;
  SimpleMessage pong = NewMessage("PONG");
  pong.to = msg.from;
  pong.node_info = self_;
  Send(*pinger, pong, false);
}

void ClusterNode::HandlePong(const SimpleMessage& msg) {
  RecordPongFrom(msg);
  ReportRejoined();
}

void ClusterNode::RecordPongFrom(const SimpleMessage& msg) {
  MutexLock lock(mu_);
  if (!membership_.Contains(msg.from) && membership_.IsQuarantined(msg.from)) {
    if (msg.node_info && msg.node_info->id == msg.from) {
      NoteAdd(membership_.AddPeer(*msg.node_info, AddMode::kSync));
    }
    if (!membership_.Contains(msg.from) && membership_.Readmit(msg.from)) {
      NoteAdd(AddResult::kAdded);
    }
  }
  if (membership_.RecordPong(msg.from) && msg.node_info) {
    membership_.UpdateEnclave(msg.from, msg.node_info->enclave);
  }
}

void ClusterNode::HandleSync(const SimpleMessage& msg) {
  if (!msg.node_info || msg.node_info->id == self_.id) return;
  const bool direct = msg.node_info->id == msg.from;
  std::optional<NodeInfo> sender;
  std::vector<NodeInfo> entries;
  {
    MutexLock lock(mu_);
    NoteAdd(
        membership_.AddPeer(*msg.node_info, direct ? AddMode::kSync : AddMode::kPropagatedSync));
    if (!direct || stopped_) return;
    sender = membership_.Find(msg.from);
    if (!sender || !sync_limiter_.Allow(msg.from, clock_.Now())) return;
    entries = membership_.All();
  }
  ReportRejoined();
  for (const NodeInfo& peer : entries) {
    if (peer.id == sender->id) continue;
    SimpleMessage answer = NewMessage("SYNC");
    answer.node_info = peer;
    Send(*sender, answer, false);
  }
}

void ClusterNode::HandleCatchup(std::string body, std::string signature,
                                std::function<void(PeerReply)> reply) {
  if (catchup_store_ == nullptr) return reply(PeerReply{PeerOutcome::kNotServed});
  auto pending = std::make_shared<std::function<void(PeerReply)>>(std::move(reply));
  auto run = guard_.Wrap([this, pending, body = std::move(body), signature = std::move(signature)] {
    PeerReply answer = ServeCatchup(body, signature);
    std::exchange(*pending, nullptr)(std::move(answer));
  });
  auto task = [run = std::move(run), pending]() mutable {
    run();
    if (*pending) std::exchange(*pending, nullptr)(PeerReply{PeerOutcome::kShuttingDown});
  };
  if (background_) return background_(std::move(task));
  task();
}

PeerReply ClusterNode::ServeCatchup(std::string_view body, std::string_view signature) const {
  if (auto failure = SignatureFailure(config_.secret, body, signature)) return *failure;
  Result<CatchupRequest> req = ParseCatchupRequest(body);
  if (!req.ok()) return PeerReply{PeerOutcome::kInvalidJson};
  if (req->enclave != self_.enclave) return PeerReply{PeerOutcome::kEnclaveMismatch};
  return PeerReply{PeerOutcome::kDocument, ServeCatchupPage(*catchup_store_, *req)};
}

void ClusterNode::CatchUpFromParent(const NodeInfo& parent) {
  if (catchup_) catchup_->Run({parent});
}

void ClusterNode::CatchUpFromEnclave() {
  if (!catchup_) return;
  std::vector<NodeInfo> candidates;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    candidates = membership_.SameEnclave();
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const NodeInfo& a, const NodeInfo& b) { return a.id < b.id; });
  if (candidates.empty()) {
    spdlog::info("Catch-up: no peer in enclave {}; nothing to pull", self_.enclave);
    return;
  }
  catchup_->Run(std::move(candidates));
}

std::optional<PeerReply> ClusterNode::BootstrapGate() const {
  if (hooks_.is_public_non_root && hooks_.is_public_non_root()) {
    return PeerReply{PeerOutcome::kNotBootstrapRoot};
  }
  return std::nullopt;
}

PeerReply ClusterNode::HandleBootstrap(std::string_view body, std::string_view signature) {
  if (auto gate = BootstrapGate()) return *gate;
  if (auto failure = SignatureFailure(config_.secret, body, signature)) return *failure;
  Result<BootstrapRequest> req = ParseBootstrapRequest(body);
  if (!req.ok()) return PeerReply{PeerOutcome::kInvalidJson};
  const NodeInfo joiner = JoinerNode(*req);
  std::vector<NodeInfo> peers;  // the others sorted by id, then the joiner, then us
  std::vector<NodeInfo> notify;
  {
    MutexLock lock(mu_);
    AddResult added = AddResult::kRejected;
    if (joiner.id != self_.id) {
      added = membership_.AddPeer(joiner, AddMode::kBootstrap);
      NoteAdd(added);
    }
    for (NodeInfo& peer : membership_.All()) {
      if (peer.id != joiner.id) peers.push_back(std::move(peer));
    }
    if ((added == AddResult::kAdded || added == AddResult::kUpdated) && !stopped_) notify = peers;
    if (std::optional<NodeInfo> stored = membership_.Find(joiner.id)) peers.push_back(*stored);
  }
  peers.push_back(self_);
  ReportRejoined();
  PeerReply reply{PeerOutcome::kDocument, EncodeBootstrapResponse(peers)};
  for (const NodeInfo& peer : notify) {
    SimpleMessage sync = NewMessage("SYNC");
    sync.node_info = joiner;
    NotifyWithRetry(peer, Share(EncodeMessage(sync)), 1);
  }
  return reply;
}

void ClusterNode::NotifyWithRetry(const NodeInfo& peer, const SharedBytes& body, int attempt) {
  PostToAll(std::span<const NodeInfo>(&peer, 1), MessageType::kSync, body, false,
            [this, peer, body, attempt](bool ok) {
              if (ok || attempt >= kNotifyAttempts) return;
              MutexLock lock(mu_);
              if (stopped_) return;
              const uint64_t id = next_retry_id_++;
              const Duration delay = std::chrono::seconds(attempt);  // 1 s, then 2 s (Go parity)
              retry_timers_[id] =
                  scheduler_.After(delay, guard_.Wrap([this, id, peer, body, attempt] {
                    std::unique_ptr<Scheduler::Task> self_task;
                    {
                      MutexLock inner(mu_);
                      auto node = retry_timers_.extract(id);
                      if (!node.empty()) self_task = std::move(node.mapped());
                    }
                    NotifyWithRetry(peer, body, attempt + 1);
                  }));
            });
}

void ClusterNode::ReplicateWrite(std::string_view key, std::string_view value, int64_t ttl_seconds,
                                 std::function<void(bool quorum)> done) {
  // An attached transient sends to its parent over WS first (ws-tree.md §10.1).
  const std::optional<std::string> parent =
      ws_relay_ != nullptr ? ws_relay_->AttachedParent() : std::nullopt;
  SimpleMessage put;
  std::vector<NodeInfo> targets;
  std::optional<NodeInfo> parent_peer;  // the parent, when it is one of the targets
  bool full = false;
  int quorum = 0;
  {
    MutexLock lock(mu_);
    if (!stopped_) {
      std::vector<NodeInfo> enclave = membership_.SameEnclave();
      quorum = QuorumSize(enclave.size(), config_.replication);
      // Alone in the enclave and no tree: nothing to send, so no message id to remember either.
      if (!enclave.empty() || ws_relay_ != nullptr) {
        put = NewMessage("PUT");
        dedup_.MarkFirstSeen(put.message_id, clock_.Now());
        targets = OriginatorTargets(std::move(enclave), full);
        if (parent) {
          const auto it = std::find_if(targets.begin(), targets.end(),
                                       [&](const NodeInfo& p) { return p.id == *parent; });
          if (it != targets.end()) {
            parent_peer = std::move(*it);
            targets.erase(it);
          }
        }
      }
    }
  }
  std::vector<NodeInfo> congested;  // targets whose send the write also waits for
  if (quorum > 1) {
    // Backpressure: a peer that answers but lags far behind paces our writers, so its queue
    // does not overflow (which would drop its copy of the write). On an attached transient a
    // congested peer gets its copy at once instead of 1 s later: it is behind already, and the
    // write waits for that send as on the plain HTTP path. Asked without mu_ held, like every
    // transport call; nothing is sent before the write and its holds are registered.
    std::erase_if(targets, [&](const NodeInfo& peer) {
      if (!PeerCongested(peer)) return false;
      congested.push_back(peer);
      return true;
    });
    MutexLock lock(mu_);
    if (!stopped_) {  // stopped meanwhile: done is answered below, and nothing is sent
      pending_.Add(put.message_id, std::exchange(done, nullptr));
      for (size_t i = 0; i < congested.size(); ++i) pending_.AddHold(put.message_id);
      write_deadlines_.emplace_back(clock_.Now() + config_.write_timeout, put.message_id);
      if (!write_timer_) ArmWriteTimer(config_.write_timeout);
    }
  }
  if (!put.message_id.empty()) {
    put.key = std::string(key);
    put.data = std::string(value);
    put.ttl = static_cast<int32_t>(
        std::clamp<int64_t>(ttl_seconds, 0, std::numeric_limits<int32_t>::max()));
    if (parent && ws_relay_->SendToParent(put)) {
      metrics_.CountSent(MessageType::kPut);
      ScheduleBackfill(put, std::exchange(targets, {}), full);
    } else if (parent_peer) {
      // The link's queue is congested (or it just closed): the parent gets its copy over HTTP.
      targets.push_back(std::move(*parent_peer));
    }
    // One encoding serves every peer (and a large value is held once, not once per peer).
    SharedBytes body;
    if (!targets.empty() || !congested.empty()) body = Share(EncodeMessage(put));
    PostToAll(targets, MessageType::kPut, body, full);
    PostToAll(congested, MessageType::kPut, body, full,
              [this, id = put.message_id](bool) { ReleaseHold(id); });
    if (ws_relay_ != nullptr) ws_relay_->PushToChildren(put);
  }
  // Not handed to pending_: nothing to wait for (alone or quorum 1), or stopped meanwhile.
  if (done) done(quorum == 1);
}

std::vector<NodeInfo> ClusterNode::OriginatorTargets(std::vector<NodeInfo> enclave, bool& full) {
  full = enclave.size() <= config_.full_fanout_max;
  if (full) return enclave;
  std::vector<NodeInfo> sample;
  for (size_t i : SampleIndices(enclave.size(), FanoutSize(enclave.size()), rng_)) {
    sample.push_back(std::move(enclave[i]));
  }
  return sample;
}

void ClusterNode::ScheduleBackfill(SimpleMessage put, std::vector<NodeInfo> targets, bool full) {
  if (targets.empty()) return;
  MutexLock lock(mu_);
  if (stopped_) return;
  backfills_.push_back(
      Backfill{clock_.Now() + kWsBackfillDelay, std::move(put), std::move(targets), full});
  if (!backfill_timer_) {
    backfill_timer_ =
        scheduler_.After(kWsBackfillDelay, guard_.Wrap([this] { OnBackfillTimer(); }));
  }
}

void ClusterNode::OnBackfillTimer() {
  std::vector<Backfill> due;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    const MonoTime now = clock_.Now();
    while (!backfills_.empty() && backfills_.front().due <= now) {
      due.push_back(std::move(backfills_.front()));
      backfills_.pop_front();
    }
    backfill_timer_ = backfills_.empty()
                          ? nullptr
                          : scheduler_.After(backfills_.front().due - now,
                                             guard_.Wrap([this] { OnBackfillTimer(); }));
  }
  for (const Backfill& b : due) SendToAll(b.targets, b.put, b.full);
}

ClusterNode::RelayResult ClusterNode::RelayChildPut(const SimpleMessage& put,
                                                    const std::function<void()>& sent) {
  RelayResult result;
  const auto finish = [&](RelayOutcome outcome) {
    if (sent) sent();
    result.outcome = outcome;
    return result;
  };
  if (!ValidatePut(put).ok()) return finish(RelayOutcome::kInvalid);
  if (StalePut(put)) return finish(RelayOutcome::kStale);
  {
    MutexLock lock(mu_);
    if (!dedup_.MarkFirstSeen(put.message_id, clock_.Now())) {
      return finish(RelayOutcome::kDuplicate);
    }
  }
  if (Status stored =
          store_.Put(put.key, put.data, ClampTtl(put.ttl, config_.min_ttl, config_.max_ttl));
      !stored.ok()) {
    spdlog::warn("Relay store of {} failed: {}", put.message_id, stored.message());
    return finish(RelayOutcome::kStoreFailed);
  }
  std::vector<NodeInfo> targets;
  bool full = false;
  {
    MutexLock lock(mu_);
    if (stopped_) return finish(RelayOutcome::kStored);
    std::vector<NodeInfo> enclave = membership_.SameEnclave();
    std::erase_if(enclave, [&](const NodeInfo& p) { return p.id == put.from; });
    targets = OriginatorTargets(std::move(enclave), full);
  }
  if (targets.empty()) return finish(RelayOutcome::kStored);
  SimpleMessage relayed = put;
  relayed.from = self_.id;  // mesh ACKs come back to us and follow the ACK route (§10.2)
  relayed.to.clear();
  relayed.node_info.reset();
  std::function<void(bool)> on_done;
  if (sent) {
    on_done = [remaining = std::make_shared<std::atomic<size_t>>(targets.size()), sent](bool) {
      if (remaining->fetch_sub(1) == 1) sent();
    };
  }
  SendToAll(targets, relayed, full, on_done);
  result.outcome = RelayOutcome::kStored;
  result.congested = std::any_of(targets.begin(), targets.end(),
                                 [&](const NodeInfo& peer) { return PeerCongested(peer); });
  return result;
}

void ClusterNode::ApplyTopologySync(const SimpleMessage& msg) {
  if (!msg.node_info || msg.node_info->id == self_.id) return;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    const bool direct = msg.node_info->id == msg.from;
    NoteAdd(
        membership_.AddPeer(*msg.node_info, direct ? AddMode::kSync : AddMode::kPropagatedSync));
  }
  ReportRejoined();
}

void ClusterNode::ReleaseHold(const std::string& message_id) {
  std::optional<PendingWrites::Done> done;
  {
    MutexLock lock(mu_);
    done = pending_.ReleaseHold(message_id);
  }
  if (done) (*done)(true);
}

void ClusterNode::ArmWriteTimer(Duration delay) {
  write_timer_ = scheduler_.After(delay, guard_.Wrap([this] { OnWriteTimer(); }));
}

void ClusterNode::OnWriteTimer() {
  std::vector<PendingWrites::Expired> expired;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    const MonoTime now = clock_.Now();
    // Every write waits the same time, so the queue is in deadline order; writes that reached
    // quorum already are gone from pending_ and are just dropped here.
    while (!write_deadlines_.empty() && write_deadlines_.front().first <= now) {
      if (auto write = pending_.Remove(write_deadlines_.front().second)) {
        expired.push_back(std::move(*write));
      }
      write_deadlines_.pop_front();
    }
    write_timer_.reset();
    if (!write_deadlines_.empty()) ArmWriteTimer(write_deadlines_.front().first - now);
  }
  // 202 without quorum; a write held back by a congested peer past its deadline still has
  // its quorum and answers 201.
  for (PendingWrites::Expired& write : expired) write.done(write.quorum);
}

void ClusterNode::CheckIsolation(std::function<void(bool)> done) {
  recovery_->Check(std::move(done));
}

int ClusterNode::Quorum() const {
  MutexLock lock(mu_);
  return QuorumSize(membership_.SameEnclaveCount(), config_.replication);
}

std::vector<NodeInfo> ClusterNode::Peers() const {
  MutexLock lock(mu_);
  return membership_.All();
}

std::vector<NodeInfo> ClusterNode::SameEnclavePeers() const {
  MutexLock lock(mu_);
  return membership_.SameEnclave();
}

void ClusterNode::ReportRejoined() {
  std::vector<NodeInfo> rejoined;
  {
    MutexLock lock(mu_);
    rejoined = membership_.TakeRejoined();
  }
  if (!hooks_.on_peer_rejoined) return;
  for (const NodeInfo& peer : rejoined) hooks_.on_peer_rejoined(peer);
}

size_t ClusterNode::PeerCount() const {
  MutexLock lock(mu_);
  return membership_.size();
}

void ClusterNode::PingRound() {
  RoundPlan plan;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    plan = membership_.StartRound();
    dedup_.PurgeExpired(clock_.Now());
    for (const NodeInfo& peer : plan.evicted) sync_limiter_.Forget(peer.id);
    metrics_.ping_failures_total += plan.failed;
    metrics_.peer_evictions_total += plan.evicted.size();
    UpdatePeerGauges();
    ping_timer_ = scheduler_.After(config_.ping_interval, guard_.Wrap([this] { PingRound(); }));
  }
  for (const NodeInfo& peer : plan.evicted) {
    if (batcher_) batcher_->Forget(peer);
    if (hooks_.on_peer_evicted) hooks_.on_peer_evicted(peer);
  }
  ReportRejoined();
  for (const NodeInfo& peer : plan.to_sync) {
    SimpleMessage sync = NewMessage("SYNC");
    sync.node_info = self_;
    Send(peer, sync, false);
  }
  for (const NodeInfo& peer : plan.to_ping) {
    SimpleMessage ping = NewMessage("PING");
    ping.to = peer.id;
    Send(peer, ping, false, [this, id = peer.id, round = plan.round](bool ok) {
      MutexLock lock(mu_);
      membership_.RecordPingResult(id, round, ok);
    });
  }
}

void ClusterNode::SyncRound() {
  std::vector<NodeInfo> peers;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    const size_t n = membership_.size();
    if (n > 0 && static_cast<int64_t>(n) < config_.replication - 1) peers = membership_.All();
    sync_timer_ = scheduler_.After(config_.sync_interval, guard_.Wrap([this] { SyncRound(); }));
  }
  for (const NodeInfo& peer : peers) {
    SimpleMessage sync = NewMessage("SYNC");
    sync.node_info = self_;
    Send(peer, sync, false);
  }
}

void ClusterNode::Bootstrap(const std::vector<std::string>& seeds, bool refresh_on_failure,
                            std::function<void(bool)> done) {
  const BootstrapRequest self{.node_id = self_.id,
                              .address = self_.address,
                              .gossip_port = self_.gossip_port,
                              .http_port = self_.http_port,
                              .enclave = self_.enclave};
  fetcher_.Fetch(seeds, self,
                 guard_.Wrap([this, refresh_on_failure,
                              done = std::move(done)](const SeedFetchResult& result) {
                   const bool joined = OnBootstrapped(result, refresh_on_failure);
                   if (done) done(joined);
                 }));
}

bool ClusterNode::OnBootstrapped(const SeedFetchResult& result, bool refresh_on_failure) {
  {
    MutexLock lock(mu_);
    for (const NodeInfo& peer : result.peers) {
      NoteAdd(membership_.AddPeer(peer, AddMode::kBootstrap));
    }
  }
  ReportRejoined();
  if (result.succeeded > 0) {
    spdlog::info("Bootstrapped from {} of {} seeds; {} peers known", result.succeeded,
                 result.contacted, PeerCount());
    return true;
  }
  spdlog::info("No seed nodes available, starting as first node");
  if (refresh_on_failure && hooks_.request_omega_refresh) hooks_.request_omega_refresh();
  return false;
}

void ClusterNode::Send(const NodeInfo& peer, const SimpleMessage& msg, bool fanout_full,
                       std::function<void(bool)> on_done) {
  SendToAll(std::span<const NodeInfo>(&peer, 1), msg, fanout_full, std::move(on_done));
}

void ClusterNode::SendToAll(std::span<const NodeInfo> peers, const SimpleMessage& msg,
                            bool fanout_full, std::function<void(bool)> on_done) {
  if (guard_.closed() || peers.empty()) return;
  PostToAll(peers, TypeOf(msg.type), Share(EncodeMessage(msg)), fanout_full, std::move(on_done));
}

auto ClusterNode::SendDone(const std::string& peer_id, MessageType type,
                           std::function<void(bool)> on_done) {
  return [this, start = clock_.Now(), id = peer_id, type, on_done = std::move(on_done)](bool ok) {
    metrics_.RecordSend(clock_.Now() - start, ok);
    if (!ok) spdlog::debug("{} to {} failed", TypeName(type), id);
    if (on_done) on_done(ok);
  };
}

void ClusterNode::PostToAll(std::span<const NodeInfo> peers, MessageType type,
                            const SharedBytes& body, bool fanout_full,
                            std::function<void(bool)> on_done) {
  if (guard_.closed() || peers.empty()) return;
  if (batcher_ && (type == MessageType::kPut || type == MessageType::kAck)) {
    for (const NodeInfo& peer : peers) {
      metrics_.CountSent(type);
      batcher_->Send(peer, BatchSender::Item{.type = type,
                                             .body = body,
                                             .fanout_full = fanout_full,
                                             .done = SendDone(peer.id, type, on_done)});
    }
    return;
  }
  std::string signature = config_.secret.empty() ? "" : SignBody(config_.secret, body);
  for (const NodeInfo& peer : peers) {
    metrics_.CountSent(type);
    // The last request takes the signature and on_done over (a single send copies nothing).
    const bool last = &peer == &peers.back();
    transport_.Post(
        OutboundRequest{.host = peer.address,
                        .port = peer.http_port,
                        .path = kGossipPath,
                        .signature = last ? std::exchange(signature, {}) : signature,
                        .fanout_full = fanout_full,
                        .body = body},
        guard_.Wrap([done = SendDone(peer.id, type, last ? std::exchange(on_done, {}) : on_done)](
                        const TransportResult& r) mutable { done(r.ok()); }));
  }
}

bool ClusterNode::PeerCongested(const NodeInfo& peer) const {
  return (batcher_ && batcher_->Congested(peer)) ||
         transport_.Congested(peer.address, peer.http_port);
}

SimpleMessage ClusterNode::NewMessage(std::string_view type) const {
  SimpleMessage msg;
  msg.type = std::string(type);
  msg.from = self_.id;
  const WallTime now = clock_.WallNow();
  msg.timestamp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  msg.message_id = NewMessageId(self_.id, now);
  return msg;
}

void ClusterNode::NoteAdd(AddResult result) {
  if (result == AddResult::kAdded) metrics_.peer_joins_total++;
  UpdatePeerGauges();
}

void ClusterNode::UpdatePeerGauges() {
  const size_t n = membership_.size();
  metrics_.peers_active = static_cast<int64_t>(n);
  metrics_.isolated = n <= config_.isolation_threshold ? 1 : 0;
}

}  // namespace repram::cluster
