#pragma once

#include <array>
#include <boost/intrusive/list.hpp>
#include <cstddef>
#include <cstdint>
#include <map>

#include "store/entry.h"

namespace repram::store {

// A list of entries threaded through their hooks; unlinking never needs the list object.
using EntryList =
    boost::intrusive::list<Entry, boost::intrusive::member_hook<Entry, ExpiryHook, &Entry::hook>,
                           boost::intrusive::constant_time_size<false>>;

// Hierarchical timing wheel over Entry::expires_ns, so expired entries are found without
// scanning the map. Level 0 has 250 ms buckets and takes entries expiring within 64 s; each
// higher level has buckets 256 times wider and takes entries 256 times further out (64 s,
// ~4.5 h, ~48 d, ~34 y buckets). A bucket is an intrusive list in a std::map keyed by its
// absolute bucket number, so overwrite unlinks an entry in O(1) and buckets exist only where
// entries do. When a higher-level bucket's start time has passed, its entries cascade to lower
// levels; every entry moves at most once per level. Each level holds about 257 bucket numbers
// at most (a bucket of an unlinked entry may stay empty until its start time passes), so the
// index costs 16 bytes per entry (the hook) plus a bounded number of map nodes.
// Does not own the entries. Not thread-safe: the owning shard serialises access.
class ExpiryIndex {
 public:
  static constexpr int kLevels = 5;
  static constexpr int64_t kLevel0BucketNs = 250'000'000;
  static constexpr int kLevelShift = 8;  // each level is 2^8 times coarser

  ExpiryIndex() = default;
  ExpiryIndex(const ExpiryIndex&) = delete;
  ExpiryIndex& operator=(const ExpiryIndex&) = delete;

  // Links e into the bucket for its expiry as seen at now_ns. REQUIRES: e is not linked.
  void Add(Entry* e, int64_t now_ns);
  // Moves every entry with expires_ns <= now_ns to out (cascading coarse buckets whose start
  // time has passed); afterwards no linked entry is expired at now_ns.
  void TakeExpired(int64_t now_ns, EntryList& out);
  // Returns the number of bucket map nodes held (for the overhead estimate).
  size_t bucket_count() const { return bucket_count_; }

 private:
  using Buckets = std::map<int64_t, EntryList>;

  static int64_t BucketWidth(int level) { return kLevel0BucketNs << (kLevelShift * level); }
  void Erase(int level, Buckets::iterator it);

  std::array<Buckets, kLevels> levels_;
  size_t bucket_count_ = 0;
};

}  // namespace repram::store
