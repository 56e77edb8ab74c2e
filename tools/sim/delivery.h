#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/report.h"

namespace repram::sim {

// Returns the q-quantile (nearest rank) of values, NaN when empty.
double Quantile(std::vector<double> values, double q);

// Follows every client write: who holds it, when the whole enclave held it, its quorum outcome
// (201 at quorum, 202 at the write timeout) and latency, and the share of the enclave holding
// it at the checkpoints 1 s, 5 s and 30 s after the write. Single-threaded.
class DeliveryTracker {
 public:
  static constexpr std::array<double, 3> kCheckpoints{1, 5, 30};

  // Returns the key of write w: "w" + 9 digits + "-" padded with 'k' to key_bytes (>= 12).
  static std::string KeyOf(size_t w, size_t key_bytes);
  // Returns the write index of a key made by KeyOf, or -1.
  static int64_t IndexOf(std::string_view key);

  // Registers a write made at t_s whose enclave had `targets` live nodes (originator included).
  size_t Add(double t_s, size_t targets);
  // A node stored write w for the first time (its incarnation's first copy) at t_s.
  void OnHeld(size_t w, double t_s);
  // The originator's quorum callback ran at t_s.
  void OnQuorum(size_t w, bool quorum, double t_s);
  // Records checkpoint c of write w: holders out of the enclave's live nodes.
  void OnCheckpoint(size_t w, size_t c, size_t holders, size_t enclave);

  // Returns how many writes were registered.
  size_t writes() const { return writes_.size(); }
  // Returns how many writes were made / answered 201 / answered 202 during second s.
  std::array<size_t, 3> InSecond(size_t s) const;
  // Appends the delivery and (with quorum) the quorum measures, each name after prefix.
  void Summarize(Summary& out, const std::string& prefix = "", bool quorum = true) const;

 private:
  struct Write {
    double t_s = 0;
    size_t targets = 0;
    size_t holders = 0;
    double full_s = -1;     // time from write to the last target holding it (-1 = never)
    int status = 0;         // 201, 202, or 0 while pending
    double status_t_s = 0;  // when the status was decided
    std::array<double, 3> share{-1, -1, -1};
  };
  void Bump(double t_s, size_t what);

  std::vector<Write> writes_;
  std::vector<std::array<size_t, 3>> per_second_;
};

}  // namespace repram::sim
