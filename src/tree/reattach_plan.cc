#include "tree/reattach_plan.h"

#include <algorithm>

#include "util/host_port.h"

namespace repram::tree {
namespace {

constexpr size_t kMaxRedirectAlternatives = 5;

Candidate FromNode(const cluster::NodeInfo& node, Duration timeout, CandidateLayer layer) {
  return Candidate{node.id, node.address, node.http_port, timeout, layer};
}

}  // namespace

ReattachPlan::ReattachPlan(SelfEndpoint self, const ReattachTimings& timings,
                           const std::vector<cluster::NodeInfo>& goodbye_alternatives,
                           const std::vector<cluster::NodeInfo>& cached,
                           const std::vector<std::string>& seeds)
    : self_(std::move(self)), timings_(timings) {
  for (const cluster::NodeInfo& node : goodbye_alternatives) {
    layers_[0].push_back(FromNode(node, timings_.attempt_timeout, CandidateLayer::kGoodbye));
  }
  for (const cluster::NodeInfo& node : cached) {
    layers_[1].push_back(FromNode(node, timings_.cached_attempt_timeout, CandidateLayer::kCached));
  }
  for (const std::string& seed : seeds) {
    const std::optional<HostPort> endpoint = ParseHostPort(seed, HostCheck::kNonEmpty);
    if (!endpoint) continue;
    layers_[2].push_back(Candidate{"seed-" + FormatHostPort(endpoint->host, endpoint->port),
                                   endpoint->host, endpoint->port, timings_.attempt_timeout,
                                   CandidateLayer::kSeeds});
  }
}

std::optional<Candidate> ReattachPlan::Next(MonoTime now) {
  while (layer_ < std::size(layers_)) {
    std::vector<Candidate>& layer = layers_[layer_];
    if (layer_ == 1 && next_ < layer.size()) {
      if (!cached_layer_start_) cached_layer_start_ = now;
      if (now - *cached_layer_start_ >= timings_.cached_layer_limit) next_ = layer.size();
    }
    if (next_ >= layer.size()) {
      ++layer_;
      next_ = 0;
      continue;
    }
    Candidate candidate = layer[next_++];
    if (!IsSelf(candidate)) return candidate;
  }
  return std::nullopt;
}

void ReattachPlan::AddRedirectAlternatives(const std::vector<cluster::NodeInfo>& alternatives) {
  if (redirect_added_ || layer_ >= std::size(layers_)) return;
  redirect_added_ = true;
  const size_t count = std::min(alternatives.size(), kMaxRedirectAlternatives);
  const Duration timeout = layer_ == 1 ? timings_.cached_attempt_timeout : timings_.attempt_timeout;
  for (size_t i = 0; i < count; ++i) {
    layers_[layer_].push_back(
        FromNode(alternatives[i], timeout, static_cast<CandidateLayer>(layer_ + 1)));
  }
}

bool ReattachPlan::IsSelf(const Candidate& c) const {
  return c.id == self_.id || (c.address == self_.address && c.http_port == self_.http_port);
}

Duration Backoff::Next() {
  const Duration delay = next_;
  next_ = std::min(next_ * 2, max_);
  return delay;
}

}  // namespace repram::tree
