#include "cluster/membership.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "cluster/quorum.h"

namespace repram::cluster {

Membership::Membership(NodeInfo self, size_t max_peers)
    : self_(std::move(self)), max_peers_(max_peers), self_enclave_(peers_.Intern(self_.enclave)) {}

NodeInfo Membership::InfoOf(const PeerEntry& peer) {
  return NodeInfo{.id = peer.id,
                  .address = peer.address,
                  .gossip_port = peer.gossip_port,
                  .http_port = peer.http_port,
                  .enclave = *peer.enclave};
}

void Membership::SetEnclave(PeerEntry& peer, std::string_view enclave) {
  const std::string* interned = peers_.Intern(enclave);
  if (peer.enclave != nullptr) same_enclave_ -= Same(peer) ? 1 : 0;
  peers_.Release(peer.enclave);
  peer.enclave = interned;
  same_enclave_ += Same(peer) ? 1 : 0;
}

AddResult Membership::AddPeer(const NodeInfo& node, AddMode mode) {
  if (node.id.empty() || node.address.empty() || node.http_port == 0) {
    spdlog::debug("Rejected invalid peer '{}' ({}:{})", node.id, node.address, node.http_port);
    return AddResult::kRejected;
  }
  if (node.id == self_.id) {
    spdlog::warn("Ignoring peer entry with our own id {}", node.id);
    return AddResult::kRejected;
  }
  if (node.address == self_.address && node.http_port == self_.http_port) {
    spdlog::warn("Ignoring peer {} advertising our own address {}:{}", node.id, node.address,
                 node.http_port);
    return AddResult::kRejected;
  }
  const std::string_view enclave = node.enclave.empty() ? kDefaultEnclave : node.enclave;
  if (PeerEntry* peer = peers_.Find(node.id)) {
    if (mode == AddMode::kBootstrap) {
      peer->address = node.address;
      peer->gossip_port = node.gossip_port;
      peer->http_port = node.http_port;
      if (*peer->enclave != enclave) SetEnclave(*peer, enclave);
      peer->failures = 0;
      return AddResult::kUpdated;
    }
    return UpdateEnclave(node.id, enclave) ? AddResult::kUpdated : AddResult::kUnchanged;
  }
  if (mode == AddMode::kPropagatedSync && IsQuarantined(node.id)) {
    spdlog::debug("Ignoring propagated SYNC for quarantined peer {}", node.id);
    return AddResult::kRejected;
  }
  NodeInfo normalized = node;
  normalized.enclave = enclave;
  return Insert(normalized) ? AddResult::kAdded : AddResult::kRejected;
}

bool Membership::Insert(const NodeInfo& node) {
  if (peers_.size() >= max_peers_) {
    spdlog::warn("Peer map full ({} peers); refusing new peer {}", peers_.size(), node.id);
    return false;
  }
  quarantine_.erase(node.id);
  if (evicted_.erase(node.id) > 0) rejoined_.push_back(node);
  PeerEntry& peer = peers_.Insert(PeerEntry{.id = node.id,
                                            .address = node.address,
                                            .gossip_port = node.gossip_port,
                                            .http_port = node.http_port});
  SetEnclave(peer, node.enclave);
  spdlog::info("Discovered peer {} ({}:{}, enclave {})", node.id, node.address, node.http_port,
               node.enclave);
  return true;
}

bool Membership::Readmit(std::string_view id) {
  auto it = quarantine_.find(id);
  if (it == quarantine_.end()) return false;
  const NodeInfo info = it->second.info;
  return Insert(info);
}

bool Membership::UpdateEnclave(std::string_view id, std::string_view enclave) {
  PeerEntry* peer = peers_.Find(id);
  if (peer == nullptr) return false;
  const std::string_view normalized = enclave.empty() ? kDefaultEnclave : enclave;
  if (*peer->enclave == normalized) return false;
  spdlog::info("Peer {} moved to enclave {}", id, normalized);
  SetEnclave(*peer, normalized);
  return true;
}

std::optional<NodeInfo> Membership::Find(std::string_view id) const {
  const PeerEntry* peer = peers_.Find(id);
  if (peer == nullptr) return std::nullopt;
  return InfoOf(*peer);
}

std::vector<NodeInfo> Membership::All() const {
  std::vector<NodeInfo> out;
  out.reserve(peers_.size());
  for (uint32_t i : peers_.SortedById()) out.push_back(InfoOf(peers_.entries()[i]));
  return out;
}

std::vector<NodeInfo> Membership::SameEnclave() const {
  std::vector<NodeInfo> out;
  out.reserve(same_enclave_);
  // Only our enclave is sorted: a client write asks for it every time.
  for (uint32_t i : peers_.SortedById([this](const PeerEntry& p) { return Same(p); })) {
    out.push_back(InfoOf(peers_.entries()[i]));
  }
  return out;
}

std::vector<NodeInfo> Membership::SampleSameEnclave(size_t k, std::string_view exclude,
                                                    Rng& rng) const {
  const std::span<const PeerEntry> entries = peers_.entries();
  const PeerEntry* skip = peers_.Find(exclude);
  if (skip != nullptr && !Same(*skip)) skip = nullptr;
  std::vector<NodeInfo> out;
  if (same_enclave_ == entries.size()) {
    // Everyone is in our enclave: candidate c is entry c, or c + 1 past the excluded one.
    const size_t gap =
        skip == nullptr ? entries.size() : static_cast<size_t>(skip - entries.data());
    const size_t n = entries.size() - (skip == nullptr ? 0 : 1);
    for (size_t c : SampleIndices(n, k, rng)) out.push_back(InfoOf(entries[c < gap ? c : c + 1]));
    return out;
  }
  std::vector<uint32_t> candidates;
  candidates.reserve(same_enclave_);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (Same(entries[i]) && &entries[i] != skip) candidates.push_back(static_cast<uint32_t>(i));
  }
  for (size_t c : SampleIndices(candidates.size(), k, rng)) {
    out.push_back(InfoOf(entries[candidates[c]]));
  }
  return out;
}

int Membership::Failures(std::string_view id) const {
  const PeerEntry* peer = peers_.Find(id);
  return peer == nullptr ? 0 : peer->failures;
}

bool Membership::RecordPong(std::string_view id) {
  PeerEntry* peer = peers_.Find(id);
  if (peer == nullptr) return false;
  if (peer->failures > 0) rejoined_.push_back(InfoOf(*peer));
  peer->failures = 0;
  peer->pong = true;
  inbound_evidence_ = true;
  return true;
}

void Membership::RecordPingResult(std::string_view id, uint64_t round, bool ok_2xx) {
  PeerEntry* peer = peers_.Find(id);
  if (peer != nullptr && peer->pinged_round == round) {
    peer->ping_ok = ok_2xx;
  }
}

std::vector<NodeInfo> Membership::TakeRejoined() { return std::exchange(rejoined_, {}); }

RoundPlan Membership::StartRound() {
  RoundPlan plan;
  for (auto it = quarantine_.begin(); it != quarantine_.end();) {
    it = --it->second.rounds_left <= 0 ? quarantine_.erase(it) : std::next(it);
  }
  const std::span<PeerEntry> entries = peers_.entries();
  const std::vector<uint32_t> order = peers_.SortedById();
  std::vector<bool> evict(entries.size(), false);
  for (uint32_t i : order) {
    PeerEntry& peer = entries[i];
    if (round_ > 0 && peer.pinged_round == round_) {
      const bool success = inbound_evidence_ ? (peer.ping_ok && peer.pong) : peer.ping_ok;
      if (success) {
        if (peer.failures > 0) rejoined_.push_back(InfoOf(peer));
        peer.failures = 0;
      } else {
        ++peer.failures;
        ++plan.failed;
      }
      if (inbound_evidence_ && peer.ping_ok && !peer.pong) plan.to_sync.push_back(InfoOf(peer));
    }
    if (peer.failures >= kMaxPingFailures) {
      spdlog::info("Evicted peer {} after {} failed ping rounds", peer.id, kMaxPingFailures);
      plan.evicted.push_back(InfoOf(peer));
      quarantine_[peer.id] = Quarantined{plan.evicted.back(), kQuarantineRounds};
      if (evicted_.size() >= max_peers_) evicted_.clear();  // bound; loses only a trigger
      evicted_.insert(peer.id);
      evict[i] = true;
    }
  }
  ++round_;
  inbound_evidence_ = false;
  plan.to_ping.reserve(entries.size());
  for (uint32_t i : order) {
    if (evict[i]) continue;
    PeerEntry& peer = entries[i];
    peer.pinged_round = round_;
    peer.ping_ok = false;
    peer.pong = false;
    plan.to_ping.push_back(InfoOf(peer));
  }
  for (const NodeInfo& gone : plan.evicted) {
    same_enclave_ -= Same(*peers_.Find(gone.id)) ? 1 : 0;
    peers_.Erase(gone.id);
  }
  plan.round = round_;
  return plan;
}

}  // namespace repram::cluster
