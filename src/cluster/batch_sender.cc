#include "cluster/batch_sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include "cluster/hmac.h"

namespace repram::cluster {
namespace {

// A peer that answered within this window counts as draining (Congested).
constexpr Duration kAnswerWindow = std::chrono::seconds(1);

// The corks open on this thread: whose they are, how deep, and the peers to launch at the end.
struct CorkState {
  const void* owner = nullptr;
  int depth = 0;
  std::vector<std::string> keys;
};
thread_local CorkState tl_cork;

// Returns whether a batch answer says the peer has no batch endpoint (an upstream node).
bool NoBatchRoute(const TransportResult& r) {
  return !r.transport_error && (r.status == 404 || r.status == 405 || r.status == 501);
}

}  // namespace

BatchSender::BatchSender(Options options, Transport& transport, const Clock& clock,
                         ClusterMetrics& metrics, const CallbackGuard& guard)
    : options_(std::move(options)),
      transport_(transport),
      clock_(clock),
      metrics_(metrics),
      guard_(guard) {}

BatchSender::Cork::Cork(BatchSender& sender) : sender_(sender) {
  if (tl_cork.owner == nullptr) tl_cork.owner = &sender_;
  if (tl_cork.owner != &sender_) return;
  active_ = true;
  ++tl_cork.depth;
}

BatchSender::Cork::~Cork() {
  if (!active_ || --tl_cork.depth > 0) return;
  tl_cork.owner = nullptr;
  std::vector<std::string> keys = std::exchange(tl_cork.keys, {});
  sender_.Launch(keys);
}

std::string BatchSender::Key(const std::string& host, uint16_t port) {
  return host + ":" + std::to_string(port);
}

void BatchSender::Send(const NodeInfo& peer, Item item) {
  std::string key = Key(peer.address, peer.http_port);
  std::optional<Batch> batch;
  std::optional<Item> single;   // to a peer that takes no batches
  std::optional<Item> dropped;  // over the queue cap
  {
    MutexLock lock(mu_);
    auto [it, created] = peers_.try_emplace(key);
    PeerState& state = it->second;
    if (created) {
      state.epoch = next_epoch_++;
      state.host = peer.address;
      state.port = peer.http_port;
    }
    if (state.id != peer.id) {  // a new node at this address (or the first send): probe it
      state.id = peer.id;
      state.mode = Mode::kUnknown;
    }
    if (state.mode == Mode::kSingle) {
      single = std::move(item);
    } else if (state.queue.size() >= options_.queue_messages ||
               state.queued_bytes + item.body.size() > options_.queue_bytes) {
      dropped = std::move(item);
      if (!std::exchange(state.dropping, true)) {
        spdlog::warn("Gossip batch queue for {} ({}) full; dropping new messages", peer.id, key);
      }
    } else {
      if (std::exchange(state.dropping, false)) {
        spdlog::info("Gossip batch queue for {} ({}) accepts messages again", peer.id, key);
      }
      state.queued_bytes += item.body.size();
      state.queue.push_back(std::move(item));
      if (!state.in_flight) {
        if (tl_cork.owner == this) {
          if (std::find(tl_cork.keys.begin(), tl_cork.keys.end(), key) == tl_cork.keys.end()) {
            tl_cork.keys.push_back(key);
          }
        } else {
          batch = TakeBatch(key, state);
        }
      }
    }
  }
  if (single) PostSingle(peer.address, peer.http_port, std::move(*single));
  if (dropped && dropped->done) dropped->done(false);
  if (batch) PostBatch(std::move(*batch));
}

BatchSender::Batch BatchSender::TakeBatch(const std::string& key, PeerState& state) {
  Batch batch{
      .key = key, .epoch = state.epoch, .host = state.host, .port = state.port, .items = {}};
  size_t bytes = 0;
  std::optional<bool> fanout;  // of the batch's PUTs: a batch carries one fanout header
  while (!state.queue.empty() && batch.items.size() < options_.batch_messages) {
    const Item& next = state.queue.front();
    if (!batch.items.empty() && bytes + next.body.size() + 1 > options_.batch_bytes) break;
    if (next.type == MessageType::kPut) {
      if (fanout && *fanout != next.fanout_full) break;
      fanout = next.fanout_full;
    }
    bytes += next.body.size() + 1;
    state.queued_bytes -= next.body.size();
    batch.items.push_back(std::move(state.queue.front()));
    state.queue.pop_front();
  }
  state.in_flight = true;
  return batch;
}

void BatchSender::Launch(const std::vector<std::string>& keys) {
  std::vector<Batch> batches;
  {
    MutexLock lock(mu_);
    for (const std::string& key : keys) {
      auto it = peers_.find(key);
      if (it == peers_.end() || it->second.in_flight || it->second.queue.empty()) continue;
      if (it->second.mode == Mode::kSingle) continue;  // OnBatchDone flushes those
      batches.push_back(TakeBatch(key, it->second));
    }
  }
  for (Batch& batch : batches) PostBatch(std::move(batch));
}

void BatchSender::PostBatch(Batch batch) {
  std::vector<SharedBytes> bodies;
  bodies.reserve(batch.items.size());
  bool fanout_full = false;
  for (const Item& item : batch.items) {
    bodies.push_back(item.body);
    if (item.type == MessageType::kPut) fanout_full = item.fanout_full;
  }
  SharedBytes body = JoinBatch(bodies);
  metrics_.batches_sent_total++;
  metrics_.batch_messages_sent_total += batch.items.size();
  std::string signature = Signature(body);
  OutboundRequest req{.host = batch.host,
                      .port = batch.port,
                      .path = kGossipBatchPath,
                      .content_type = kBatchContentType,
                      .signature = std::move(signature),
                      .fanout_full = fanout_full,
                      .body = std::move(body)};
  auto shared = std::make_shared<Batch>(std::move(batch));
  transport_.Post(std::move(req), guard_.Wrap([this, shared](const TransportResult& r) {
    OnBatchDone(std::move(*shared), r);
  }));
}

void BatchSender::OnBatchDone(Batch batch, const TransportResult& result) {
  const bool unsupported = NoBatchRoute(result);
  std::vector<Item> singles;  // the batch and the queue, resent one by one (fallback)
  std::optional<Batch> next;
  {
    MutexLock lock(mu_);
    auto it = peers_.find(batch.key);
    if (it != peers_.end() && it->second.epoch == batch.epoch) {
      PeerState& state = it->second;
      state.in_flight = false;
      if (unsupported) {
        state.mode = Mode::kSingle;
        singles = std::move(batch.items);
        for (Item& item : state.queue) singles.push_back(std::move(item));
        state.queue.clear();
        state.queued_bytes = 0;
      } else if (result.ok()) {
        state.mode = Mode::kBatch;
        state.answered = true;
        state.answered_at = clock_.Now();
      } else if (result.transport_error) {
        state.mode = Mode::kUnknown;  // connection lost: the peer may come back as another build
      }
      if (!state.queue.empty() && state.mode != Mode::kSingle) next = TakeBatch(batch.key, state);
    } else if (unsupported) {
      singles = std::move(batch.items);  // forgotten meanwhile: still deliver what it carried
    }
  }
  if (next) PostBatch(std::move(*next));
  if (unsupported) {
    metrics_.batch_fallbacks_total++;
    spdlog::info("Peer at {} does not take gossip batches (status {}); sending single messages",
                 batch.key, result.status);
    for (Item& item : singles) PostSingle(batch.host, batch.port, std::move(item));
    return;
  }
  std::vector<size_t> failed;
  if (result.ok()) failed = ParseBatchReply(result.body);
  std::sort(failed.begin(), failed.end());
  for (size_t i = 0; i < batch.items.size(); ++i) {
    const bool ok = result.ok() && !std::binary_search(failed.begin(), failed.end(), i);
    if (batch.items[i].done) batch.items[i].done(ok);
  }
}

void BatchSender::PostSingle(const std::string& host, uint16_t port, Item item) {
  std::string peer_key = Key(host, port);
  OutboundRequest req{.host = host,
                      .port = port,
                      .path = kGossipPath,
                      .signature = Signature(item.body),
                      .fanout_full = item.fanout_full && item.type == MessageType::kPut,
                      .body = item.body};
  transport_.Post(std::move(req),
                  guard_.Wrap([this, key = std::move(peer_key),
                               done = std::move(item.done)](const TransportResult& r) {
                    if (r.transport_error) {
                      MutexLock lock(mu_);
                      auto it = peers_.find(key);
                      if (it != peers_.end() && it->second.mode == Mode::kSingle)
                        it->second.mode = Mode::kUnknown;
                    }
                    if (done) done(r.ok());
                  }));
}

std::string BatchSender::Signature(const SharedBytes& body) const {
  return options_.secret.empty() ? "" : SignBody(options_.secret, body);
}

bool BatchSender::Congested(const NodeInfo& peer) const {
  MutexLock lock(mu_);
  const auto it = peers_.find(Key(peer.address, peer.http_port));
  if (it == peers_.end() || it->second.mode == Mode::kSingle || !it->second.answered) return false;
  const PeerState& state = it->second;
  const bool full = state.queue.size() > options_.queue_messages / 2 ||
                    state.queued_bytes > options_.queue_bytes / 2;
  return full && clock_.Now() - state.answered_at < kAnswerWindow;
}

void BatchSender::Forget(const NodeInfo& peer) {
  std::deque<Item> dropped;
  {
    MutexLock lock(mu_);
    auto node = peers_.extract(Key(peer.address, peer.http_port));
    if (node.empty()) return;
    dropped = std::move(node.mapped().queue);
  }
  for (Item& item : dropped) {
    if (item.done) item.done(false);
  }
}

BatchSender::Mode BatchSender::ModeOf(const NodeInfo& peer) const {
  MutexLock lock(mu_);
  const auto it = peers_.find(Key(peer.address, peer.http_port));
  return it == peers_.end() ? Mode::kUnknown : it->second.mode;
}

}  // namespace repram::cluster
