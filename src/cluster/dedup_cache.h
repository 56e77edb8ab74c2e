#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/clock.h"

namespace repram::cluster {

// Remembers PUT message ids for a while so that each write is stored and forwarded once
// (cluster.md §9.4): id -> expiry, default TTL 60 s, capacity 100,000. When an insert finds the
// cache full it drops expired entries, then, if still full, the older half by expiry.
// Not thread-safe: the owner (ClusterNode) serializes access.
class DedupCache {
 public:
  static constexpr Duration kDefaultTtl = std::chrono::seconds(60);
  static constexpr size_t kDefaultCapacity = 100'000;

  // REQUIRES: capacity >= 1.
  explicit DedupCache(Duration ttl = kDefaultTtl, size_t capacity = kDefaultCapacity);

  // Marks id as seen until now + ttl. Returns true when id was not (or no longer) present, i.e.
  // this is the first sight; false for a duplicate (whose expiry is left unchanged).
  bool MarkFirstSeen(std::string_view id, MonoTime now);

  // Returns whether id is present and unexpired.
  bool Contains(std::string_view id, MonoTime now) const;

  // Drops every expired entry (called every ping round).
  void PurgeExpired(MonoTime now);

  size_t size() const { return entries_.size(); }

 private:
  void MakeRoom(MonoTime now);

  const Duration ttl_;
  const size_t capacity_;
  std::unordered_map<std::string, MonoTime> entries_;
};

}  // namespace repram::cluster
