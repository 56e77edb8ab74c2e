#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cluster/seed_provider.h"
#include "util/mutex.h"

namespace repram::cluster::testing {

// A SeedProvider over a replaceable list (like the refresher's current omega list); can be told
// to throw. Counts calls. Thread-safe.
class ListSeedProvider final : public SeedProvider {
 public:
  explicit ListSeedProvider(std::vector<std::string> seeds = {}) : seeds_(std::move(seeds)) {}

  std::vector<std::string> Seeds() override {
    MutexLock lock(mu_);
    ++calls_;
    if (throw_) throw std::runtime_error("seed provider failure");
    return seeds_;
  }
  // Replaces the list returned from now on.
  void Set(std::vector<std::string> seeds) {
    MutexLock lock(mu_);
    seeds_ = std::move(seeds);
  }
  // Makes Seeds() throw (or stop throwing).
  void set_throw(bool value) {
    MutexLock lock(mu_);
    throw_ = value;
  }
  int calls() const {
    MutexLock lock(mu_);
    return calls_;
  }

 private:
  mutable Mutex mu_;
  std::vector<std::string> seeds_ GUARDED_BY(mu_);
  bool throw_ GUARDED_BY(mu_) = false;
  int calls_ GUARDED_BY(mu_) = 0;
};

}  // namespace repram::cluster::testing
