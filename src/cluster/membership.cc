#include "cluster/membership.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace repram::cluster {

Membership::Membership(NodeInfo self, size_t max_peers)
    : self_(std::move(self)), max_peers_(max_peers) {}

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
  const std::string enclave = NormalizeEnclave(node.enclave);
  auto it = peers_.find(node.id);
  if (it != peers_.end()) {
    Peer& peer = it->second;
    if (mode == AddMode::kBootstrap) {
      peer.info.address = node.address;
      peer.info.gossip_port = node.gossip_port;
      peer.info.http_port = node.http_port;
      peer.info.enclave = enclave;
      peer.failures = 0;
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
  peers_.emplace(node.id, Peer{.info = node});
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
  auto it = peers_.find(id);
  if (it == peers_.end()) return false;
  std::string normalized = NormalizeEnclave(enclave);
  if (it->second.info.enclave == normalized) return false;
  spdlog::info("Peer {} moved to enclave {}", id, normalized);
  it->second.info.enclave = std::move(normalized);
  return true;
}

std::optional<NodeInfo> Membership::Find(std::string_view id) const {
  auto it = peers_.find(id);
  if (it == peers_.end()) return std::nullopt;
  return it->second.info;
}

std::vector<NodeInfo> Membership::All() const {
  std::vector<NodeInfo> out;
  out.reserve(peers_.size());
  for (const auto& [id, peer] : peers_) out.push_back(peer.info);
  return out;
}

std::vector<NodeInfo> Membership::SameEnclave() const {
  std::vector<NodeInfo> out;
  for (const auto& [id, peer] : peers_) {
    if (peer.info.enclave == self_.enclave) out.push_back(peer.info);
  }
  return out;
}

size_t Membership::SameEnclaveCount() const {
  size_t n = 0;
  for (const auto& [id, peer] : peers_) n += peer.info.enclave == self_.enclave ? 1 : 0;
  return n;
}

int Membership::Failures(std::string_view id) const {
  auto it = peers_.find(id);
  return it == peers_.end() ? 0 : it->second.failures;
}

bool Membership::RecordPong(std::string_view id) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return false;
  if (it->second.failures > 0) rejoined_.push_back(it->second.info);
  it->second.failures = 0;
  it->second.pong = true;
  inbound_evidence_ = true;
  return true;
}

void Membership::RecordPingResult(std::string_view id, uint64_t round, bool ok_2xx) {
  auto it = peers_.find(id);
  if (it != peers_.end() && it->second.pinged_round == round) it->second.ping_ok = ok_2xx;
}

std::vector<NodeInfo> Membership::TakeRejoined() { return std::exchange(rejoined_, {}); }

RoundPlan Membership::StartRound() {
  RoundPlan plan;
  for (auto it = quarantine_.begin(); it != quarantine_.end();) {
    it = --it->second.rounds_left <= 0 ? quarantine_.erase(it) : std::next(it);
  }
  for (auto it = peers_.begin(); it != peers_.end();) {
    Peer& peer = it->second;
    if (round_ > 0 && peer.pinged_round == round_) {
      const bool success = inbound_evidence_ ? (peer.ping_ok && peer.pong) : peer.ping_ok;
      if (success) {
        if (peer.failures > 0) rejoined_.push_back(peer.info);
        peer.failures = 0;
      } else {
        ++peer.failures;
        ++plan.failed;
      }
      if (inbound_evidence_ && peer.ping_ok && !peer.pong) plan.to_sync.push_back(peer.info);
    }
    if (peer.failures >= kMaxPingFailures) {
      spdlog::info("Evicted peer {} after {} failed ping rounds", peer.info.id, kMaxPingFailures);
      plan.evicted.push_back(peer.info);
      quarantine_[it->first] = Quarantined{peer.info, kQuarantineRounds};
      if (evicted_.size() >= max_peers_) evicted_.clear();  // bound; loses only a trigger
      evicted_.insert(it->first);
      it = peers_.erase(it);
      continue;
    }
    ++it;
  }
  ++round_;
  inbound_evidence_ = false;
  for (auto& [id, peer] : peers_) {
    peer.pinged_round = round_;
    peer.ping_ok = false;
    peer.pong = false;
    plan.to_ping.push_back(peer.info);
  }
  plan.round = round_;
  return plan;
}

}  // namespace repram::cluster
