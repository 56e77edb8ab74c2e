#pragma once

#include <cmath>
#include <cstdint>

#include "util/rng.h"

namespace repram::sim {

// Returns a well-mixed 64-bit value of x (the splitmix64 finaliser): per-link properties are
// drawn from it, so they need no storage and do not depend on the order of events.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A small deterministic generator (xoshiro256**), one per node and one for the network.
// With jitter off, Uniform01 answers 0.5: the isolation backoff's jitter factor becomes 1 (its
// only use of Uniform01 in the cluster module) while Below still samples fanout targets.
// Not thread-safe (the simulator is single-threaded).
class SimRng final : public Rng {
 public:
  explicit SimRng(uint64_t seed, bool jitter = true) : jitter_(jitter) {
    for (uint64_t& word : s_) word = seed = Mix64(seed);
  }
  double Uniform01() override { return jitter_ ? Next01() : 0.5; }
  uint64_t Below(uint64_t n) override { return Next() % n; }
  // Returns a uniform double in [0, 1) regardless of the jitter setting.
  double Next01() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Returns a standard normal deviate (Box-Muller).
  double Normal() {
    const double u = 1.0 - Next01();  // (0, 1]
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * Next01());
  }
  // Returns the next 64 random bits.
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  const bool jitter_;
  uint64_t s_[4];
};

}  // namespace repram::sim
