#pragma once

#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cluster/seed_provider.h"

namespace repram::cluster::testing {

// A SeedProvider over a replaceable list (like the refresher's current omega list); can be told
// to throw. Counts calls. Thread-safe.
class ListSeedProvider final : public SeedProvider {
 public:
  explicit ListSeedProvider(std::vector<std::string> seeds = {}) : seeds_(std::move(seeds)) {}

  std::vector<std::string> Seeds() override {
    std::lock_guard lock(mu_);
    ++calls_;
    if (throw_) throw std::runtime_error("seed provider failure");
    return seeds_;
  }
  // Replaces the list returned from now on.
  void Set(std::vector<std::string> seeds) {
    std::lock_guard lock(mu_);
    seeds_ = std::move(seeds);
  }
  // Makes Seeds() throw (or stop throwing).
  void set_throw(bool value) {
    std::lock_guard lock(mu_);
    throw_ = value;
  }
  int calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> seeds_;
  bool throw_ = false;
  int calls_ = 0;
};

}  // namespace repram::cluster::testing
