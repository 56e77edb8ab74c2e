#pragma once

#include <cstdint>
#include <random>

#include "util/mutex.h"

namespace repram {

// Source of randomness for jitter and random fanout; injectable so tests can pin it.
class Rng {
 public:
  virtual ~Rng() = default;
  // Returns a uniformly distributed double in [0, 1).
  virtual double Uniform01() = 0;
  // Returns a uniformly distributed integer in [0, n). REQUIRES: n > 0.
  virtual uint64_t Below(uint64_t n) = 0;
};

// Mersenne Twister seeded from std::random_device; a mutex makes it safe from any thread.
class DefaultRng final : public Rng {
 public:
  DefaultRng() : engine_(std::random_device{}()) {}
  double Uniform01() override {
    MutexLock lock(mu_);
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine_);
  }
  uint64_t Below(uint64_t n) override {
    MutexLock lock(mu_);
    return std::uniform_int_distribution<uint64_t>(0, n - 1)(engine_);
  }

 private:
  Mutex mu_;
  std::mt19937_64 engine_ GUARDED_BY(mu_);
};

}  // namespace repram
