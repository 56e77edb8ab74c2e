#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "util/clock.h"
#include "util/string_map.h"

namespace repram::cluster {

// Remembers PUT message ids for a while so that each write is stored and forwarded once
// (cluster.md §9.4): id -> expiry, default TTL 60 s, capacity 100,000. When an insert finds the
// cache full it drops expired entries, then, if still full, the oldest entry (the spec drops the
// older half; see MakeRoom).
// Every operation is O(1) amortized: all ids live for the same TTL and time only moves forward,
// so insertion order is expiry order and a FIFO of (expiry, id) replaces any scan.
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
  // One FIFO record per insert or re-insert. `id` views the map's key, whose node is stable until
  // the record with the entry's current expiry is popped; older records for the same id carry an
  // older expiry, sit ahead of it in the queue, and are skipped as stale.
  struct Record {
    MonoTime expires_at;
    std::string_view id;
  };

  // Pops the front record; erases its entry unless the record is stale. Returns whether it erased.
  bool PopFront();
  void MakeRoom(MonoTime now);

  const Duration ttl_;
  const size_t capacity_;
  StringMap<MonoTime> entries_;
  std::deque<Record> order_;
};

}  // namespace repram::cluster
