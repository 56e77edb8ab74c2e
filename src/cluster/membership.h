#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/node_info.h"
#include "cluster/peer_table.h"
#include "util/rng.h"

namespace repram::cluster {

// How a node reached AddPeer; decides overwrite and quarantine rules (cluster.md §6.2, §5.5, §8).
enum class AddMode {
  kBootstrap,       // bootstrap request or response, recovery: insert, or overwrite + reset
  kSync,            // direct SYNC, direct evidence: insert, or update the enclave only
  kPropagatedSync,  // like kSync, but an id in eviction quarantine is refused
};

enum class AddResult { kAdded, kUpdated, kUnchanged, kRejected };

// What the owner must do at the start of a ping round (§8).
struct RoundPlan {
  uint64_t round = 0;             // the round that starts now; tag ping results with it
  std::vector<NodeInfo> to_ping;  // every peer still present
  std::vector<NodeInfo> to_sync;  // 2xx without PONG in a round with inbound evidence
  std::vector<NodeInfo> evicted;  // removed after 3 failed rounds, now quarantined
  uint64_t failed = 0;            // failed ping rounds counted (repram_ping_failures_total)
};

// The peer map (all enclaves, never self, at most max_peers) plus the ping-round bookkeeping:
// failure counters, "PONG this round" flags, the node-wide "inbound evidence" flag, and the
// quarantine of evicted ids against propagated SYNC re-adds for 3 rounds.
// Pure state, no I/O except logging. Not thread-safe: the owner (ClusterNode) serializes access.
class Membership {
 public:
  static constexpr size_t kMaxPeers = 10'000;
  static constexpr int kMaxPingFailures = 3;
  static constexpr int kQuarantineRounds = 3;

  // self: our id, advertised address and http_port (the own-address check) and enclave.
  explicit Membership(NodeInfo self, size_t max_peers = kMaxPeers);

  // The single entry point for new peers (§6.2). Rejects empty id/address, http_port 0
  // (unknown, or outside 1..65535 on the wire), our own id, our own address:http_port, a full map,
  // and (kPropagatedSync) a quarantined id. Inserting ends a quarantine. Returns what changed.
  AddResult AddPeer(const NodeInfo& node, AddMode mode);

  // Re-adds a quarantined id from its last record (direct evidence from a PING or PONG without
  // usable node_info). Returns true when the peer is now present.
  bool Readmit(std::string_view id);

  // Sets the enclave of a known peer (normalized). Returns true when it changed.
  bool UpdateEnclave(std::string_view id, std::string_view enclave);

  // Returns the peer, or nullopt when unknown.
  std::optional<NodeInfo> Find(std::string_view id) const;
  bool Contains(std::string_view id) const { return peers_.Find(id) != nullptr; }
  bool IsQuarantined(std::string_view id) const { return quarantine_.contains(id); }

  // Returns every peer sorted by id.
  std::vector<NodeInfo> All() const;
  // Returns the peers whose enclave equals ours exactly, sorted by id.
  std::vector<NodeInfo> SameEnclave() const;
  // Returns min(k, n) peers drawn uniformly without replacement from the n peers of our enclave
  // other than `exclude`, in the order drawn (SampleIndices over them in table order). O(k) when
  // every peer is in our enclave, else one pass over the map.
  std::vector<NodeInfo> SampleSameEnclave(size_t k, std::string_view exclude, Rng& rng) const;
  size_t size() const { return peers_.size(); }
  // Returns the number of peers whose enclave equals ours exactly (kept, not counted).
  size_t SameEnclaveCount() const { return same_enclave_; }
  // Returns the current failure counter of a peer (0 when unknown).
  int Failures(std::string_view id) const;

  // Records a PONG from id: resets its failure counter, flags "PONG this round" and the round's
  // inbound evidence. Returns false (and changes nothing) when id is unknown.
  bool RecordPong(std::string_view id);

  // Records the outcome of the PING sent to id in `round`; stale rounds are ignored.
  void RecordPingResult(std::string_view id, uint64_t round, bool ok_2xx);

  // Ends the running round and starts the next: evaluates the last PING of every peer, counts
  // failures, evicts at 3, ages the quarantine, and lists the PINGs and SYNCs to send.
  RoundPlan StartRound();

  // Returns and forgets the peers that came back since the last call: an id we had evicted was
  // added again, or a peer with failed rounds answered (a PONG, or a successful round).
  std::vector<NodeInfo> TakeRejoined();

  const NodeInfo& self() const { return self_; }

 private:
  struct Quarantined {
    NodeInfo info;
    int rounds_left = 0;
  };

  bool Insert(const NodeInfo& node);
  static NodeInfo InfoOf(const PeerEntry& peer);
  bool Same(const PeerEntry& peer) const { return peer.enclave == self_enclave_; }
  // Points peer at enclave (interned), keeping same_enclave_ right.
  void SetEnclave(PeerEntry& peer, std::string_view enclave);

  const NodeInfo self_;
  const size_t max_peers_;
  PeerTable peers_;
  const std::string* const self_enclave_;  // interned in peers_ for as long as we live
  size_t same_enclave_ = 0;
  std::map<std::string, Quarantined, std::less<>> quarantine_;
  std::set<std::string, std::less<>> evicted_;  // ids evicted and not added since (bounded)
  std::vector<NodeInfo> rejoined_;
  uint64_t round_ = 0;
  bool inbound_evidence_ = false;
};

}  // namespace repram::cluster
