#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/node_info.h"
#include "util/clock.h"

namespace repram::tree {

// Timers of the attach and reattach loop (ws-tree.md §8, §11).
struct ReattachTimings {
  Duration attempt_timeout = std::chrono::seconds(10);  // dial + handshake, layers 1 and 3
  Duration cached_attempt_timeout = std::chrono::seconds(5);
  Duration cached_layer_limit = std::chrono::seconds(30);
  Duration initial_backoff = std::chrono::seconds(5);
  Duration max_backoff = std::chrono::seconds(60);
};

// Where a candidate came from: goodbye alternatives, the cached welcome topology, the seeds.
enum class CandidateLayer { kGoodbye = 1, kCached = 2, kSeeds = 3 };

// One substrate to dial, with the time the attempt may take.
struct Candidate {
  std::string id;
  std::string address;
  uint16_t http_port = 0;
  Duration timeout{};
  CandidateLayer layer = CandidateLayer::kSeeds;
};

// This node as the self-skip rule sees it (#120): its id and its advertised address:port.
struct SelfEndpoint {
  std::string id;
  std::string address;
  uint16_t http_port = 0;
};

// The candidates of one iteration of the reattach loop (§8.2), in order: layer 1 (goodbye
// alternatives, first iteration only), layer 2 (cached welcome topology, the whole layer bounded
// by cached_layer_limit, checked before each attempt), layer 3 (seeds "host:port", id
// "seed-<host:port>"). Candidates that are ourselves by id or by address:port are skipped in
// every layer. Pure logic: the caller dials and reports nothing back but asks for the next one.
class ReattachPlan {
 public:
  ReattachPlan(SelfEndpoint self, const ReattachTimings& timings,
               const std::vector<cluster::NodeInfo>& goodbye_alternatives,
               const std::vector<cluster::NodeInfo>& cached, const std::vector<std::string>& seeds);

  // Returns the next candidate to try at time now, or nullopt when the iteration is exhausted.
  std::optional<Candidate> Next(MonoTime now);

  // Appends the alternatives of a redirect goodbye received during an attempt to the current
  // layer: once per plan, at most 5.
  void AddRedirectAlternatives(const std::vector<cluster::NodeInfo>& alternatives);

 private:
  bool IsSelf(const Candidate& c) const;

  SelfEndpoint self_;
  ReattachTimings timings_;
  // layers_[0..2] = layers 1..3, each consumed from the front.
  std::vector<Candidate> layers_[3];
  size_t layer_ = 0;
  size_t next_ = 0;
  std::optional<MonoTime> cached_layer_start_;
  bool redirect_added_ = false;
};

// The reattach backoff: initial, doubled after each failed iteration up to the cap; Reset() on
// success.
class Backoff {
 public:
  explicit Backoff(const ReattachTimings& timings)
      : initial_(timings.initial_backoff), max_(timings.max_backoff), next_(initial_) {}
  // Returns the delay to sleep now and doubles the next one (capped).
  Duration Next();
  // Back to the initial delay.
  void Reset() { next_ = initial_; }

 private:
  Duration initial_;
  Duration max_;
  Duration next_;
};

}  // namespace repram::tree
