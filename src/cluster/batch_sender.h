#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/callback_guard.h"
#include "cluster/gossip_batch.h"
#include "cluster/message.h"
#include "cluster/metrics.h"
#include "cluster/node_info.h"
#include "cluster/transport.h"
#include "util/clock.h"
#include "util/mutex.h"
#include "util/shared_bytes.h"

namespace repram::cluster {

// Sends encoded gossip messages to peers, batched between our own nodes (docs/gossip-batch.md).
// Per peer (address:http_port) at most one batch is in flight; what is sent meanwhile waits in a
// queue and leaves as the next batch as soon as the previous one is answered, so a lone message
// leaves at once. The first batch to a peer is the probe: 404/405/501 (to it or any later batch)
// means the peer does not take batches (an upstream node): what the batch carried and every later
// message of that peer goes single, exactly as without batching, until the peer is probed again:
// when its id at that address changes, when a send to it fails with a transport error (connection
// loss: it may have restarted as another build), or after Forget (eviction). Memory: each peer's
// queue is capped at queue_messages (cluster.md §1) and queue_bytes; the queued bodies are shared
// with the other peers' queues, only a batch in flight is a copy (at most batch_bytes, or one
// message). Thread-safe. The transport is never called with the lock held; completions are wrapped
// by the owner's guard, so nothing runs after the owner closed it.
class BatchSender {
 public:
  struct Options {
    std::string secret;  // cluster secret: signs batches and single messages; empty = none
    size_t batch_messages = kBatchSendMessages;
    size_t batch_bytes = kBatchSendBytes;
    size_t queue_messages = 1024;
    size_t queue_bytes = size_t{64} << 20;
  };
  // One encoded message for one peer. done(ok) runs exactly once (unless the guard closed first):
  // ok = the peer answered 2xx and did not list the message as failed.
  struct Item {
    MessageType type = MessageType::kOther;
    SharedBytes body;
    bool fanout_full = false;  // sent with X-Repram-Fanout: full (PUTs only)
    std::function<void(bool ok)> done;
  };
  // How a peer is currently served.
  enum class Mode { kUnknown, kBatch, kSingle };

  BatchSender(Options options, Transport& transport, const Clock& clock, ClusterMetrics& metrics,
              const CallbackGuard& guard);

  // Sends item to peer: queued for the next batch, or posted alone to a peer that takes no batch.
  void Send(const NodeInfo& peer, Item item) EXCLUDES(mu_);

  // Returns true while peer's queue holds more than half its cap (messages or bytes) and the peer
  // answered a batch within the last second (the backpressure signal, as HttpClient::Congested).
  bool Congested(const NodeInfo& peer) const EXCLUDES(mu_);

  // Forgets everything about peer (it was evicted): its queued messages complete with false and
  // it is probed again if it comes back.
  void Forget(const NodeInfo& peer) EXCLUDES(mu_);

  // Returns how peer is served now (kUnknown for a peer never sent to).
  Mode ModeOf(const NodeInfo& peer) const EXCLUDES(mu_);

  // While a Cork of this sender lives on the calling thread, messages sent from that thread
  // wait; they leave together when the outermost Cork ends. The batch handler corks so that the
  // ACKs of one received batch travel back as one batch. Corks of another sender on the same
  // thread do not apply.
  class Cork {
   public:
    explicit Cork(BatchSender& sender);
    ~Cork();
    Cork(const Cork&) = delete;
    Cork& operator=(const Cork&) = delete;

   private:
    BatchSender& sender_;
    bool active_ = false;  // false when another sender's cork already holds this thread
  };

 private:
  struct PeerState {
    uint64_t epoch = 0;  // distinguishes a state re-created after Forget from its predecessor
    std::string id;
    std::string host;
    uint16_t port = 0;
    Mode mode = Mode::kUnknown;
    std::deque<Item> queue;
    size_t queued_bytes = 0;
    bool in_flight = false;
    bool dropping = false;  // the queue overflowed; warned once until it accepts again
    MonoTime answered_at{};
    bool answered = false;
  };
  // A batch taken from a peer's queue, ready to post.
  struct Batch {
    std::string key;
    uint64_t epoch = 0;
    std::string host;
    uint16_t port = 0;
    std::vector<Item> items;
  };

  static std::string Key(const std::string& host, uint16_t port);
  // Moves the next batch out of state's queue and marks it in flight. REQUIRES: queue non-empty.
  Batch TakeBatch(const std::string& key, PeerState& state) REQUIRES(mu_);
  // Starts the next batch of each peer in keys that has a queue and nothing in flight.
  void Launch(const std::vector<std::string>& keys) EXCLUDES(mu_);
  void PostBatch(Batch batch) EXCLUDES(mu_);
  void OnBatchDone(Batch batch, const TransportResult& result) EXCLUDES(mu_);
  void PostSingle(const std::string& host, uint16_t port, Item item) EXCLUDES(mu_);
  // The signature of a request carrying body (empty in open mode).
  std::string Signature(const SharedBytes& body) const;

  const Options options_;
  Transport& transport_;
  const Clock& clock_;
  ClusterMetrics& metrics_;
  const CallbackGuard& guard_;

  mutable Mutex mu_;
  std::unordered_map<std::string, PeerState> peers_ GUARDED_BY(mu_);  // by "host:port"
  uint64_t next_epoch_ GUARDED_BY(mu_) = 1;
};

}  // namespace repram::cluster
