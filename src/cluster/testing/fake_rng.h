#pragma once

#include <cstdint>
#include <random>

#include "util/rng.h"

namespace repram::cluster::testing {

// A deterministic Rng: a Mersenne Twister with a fixed seed. Not thread-safe (tests only).
class SeededRng final : public Rng {
 public:
  explicit SeededRng(uint64_t seed = 42) : engine_(seed) {}
  double Uniform01() override { return std::uniform_real_distribution<double>(0, 1)(engine_); }
  uint64_t Below(uint64_t n) override {
    return std::uniform_int_distribution<uint64_t>(0, n - 1)(engine_);
  }

 private:
  std::mt19937_64 engine_;
};

// An Rng that always returns the same fraction: 0.5 = zero jitter, 0 = the lower bound.
// Below(n) returns floor(fraction * n). Not thread-safe (tests only).
class FixedRng final : public Rng {
 public:
  explicit FixedRng(double fraction = 0.5) : fraction_(fraction) {}
  double Uniform01() override { return fraction_; }
  uint64_t Below(uint64_t n) override {
    return static_cast<uint64_t>(fraction_ * static_cast<double>(n));
  }
  void set_fraction(double fraction) { fraction_ = fraction; }

 private:
  double fraction_;
};

}  // namespace repram::cluster::testing
