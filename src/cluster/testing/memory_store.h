#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "cluster/replica_store.h"
#include "util/mutex.h"

namespace repram::cluster::testing {

// A ReplicaStore that keeps the last value and TTL per key in a map and can be told to fail.
// Thread-safe.
class MemoryStore final : public ReplicaStore {
 public:
  struct Entry {
    std::string value;
    int64_t ttl_seconds = 0;
  };

  Status Put(std::string_view key, std::string_view value, int64_t ttl_seconds) override {
    MutexLock lock(mu_);
    ++puts_;
    if (!fail_with_.ok()) return fail_with_;
    entries_[std::string(key)] = Entry{std::string(value), ttl_seconds};
    return Status::Ok();
  }

  // Makes every later Put return status (Status::Ok() restores success).
  void FailWith(Status status) {
    MutexLock lock(mu_);
    fail_with_ = std::move(status);
  }
  // Returns the stored entry, or nullopt.
  std::optional<Entry> Get(std::string_view key) const {
    MutexLock lock(mu_);
    auto it = entries_.find(std::string(key));
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  // Returns how many Put calls were made (successful or not).
  int puts() const {
    MutexLock lock(mu_);
    return puts_;
  }

 private:
  mutable Mutex mu_;
  std::map<std::string, Entry> entries_ GUARDED_BY(mu_);
  Status fail_with_ GUARDED_BY(mu_);
  int puts_ GUARDED_BY(mu_) = 0;
};

}  // namespace repram::cluster::testing
