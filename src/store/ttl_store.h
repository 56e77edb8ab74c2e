#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.h"
#include "util/status.h"

namespace repram {

namespace store {
class Entry;
}  // namespace store

// A copy of one live entry, returned by TtlStore::Get.
struct StoredEntry {
  std::string value;
  WallTime created_at;      // local store time of this copy (wall clock, ms precision)
  int64_t ttl_seconds = 0;  // the TTL stored (after any clamping by the caller)
  MonoTime expires_at;      // created (monotonic) + ttl
};

// A copy of one live entry read by EntryScanner (catch-up pages).
struct ScannedEntry {
  std::string key;
  std::string value;
  Duration remaining{};     // expires_at - now when it was read (> 0)
  int64_t ttl_seconds = 0;  // the stored (original) TTL
};

// One page of GET /v1/keys.
struct KeyPage {
  std::vector<std::string> keys;           // live keys, byte-wise ascending
  std::optional<std::string> next_cursor;  // set only when the page was truncated
};

// Concurrent in-memory map from opaque byte keys to byte values with a mandatory TTL.
//
// - Expiry is exact at read time: an entry is gone when now >= expires_at (Get, Contains, List,
//   the capacity check). Reads never mutate.
// - ReclaimExpired() physically frees expired entries through an expiry index, without scanning
//   the map; the node calls it every 250 ms so memory and capacity free within 1 s of expiry.
// - Capacity counts payload bytes of live entries only (0 = unlimited).
// - Keys are ordered unsigned byte-wise; List costs O(shards * log n + limit * log shards).
// - Copy semantics: Put copies in, Get copies out; no caller buffer is aliased.
// Thread-safe: sharded, one mutex per shard; any method may be called from any thread.
//
// Layout (see src/store/README.md): one heap block per entry (32-byte header, key, value), per
// shard an OrderedIndex (chunked sorted pointer vectors) and an ExpiryIndex (timing wheel).
// created_at is not stored: it is derived from the monotonic creation time plus the wall-minus-
// monotonic offset captured at construction, so a wall-clock step after startup is not
// reflected in created_at (it saves 8 bytes per entry).
class EntryScanner;

class TtlStore {
 public:
  // REQUIRES: clock outlives the store. capacity_bytes 0 = unlimited.
  TtlStore(const Clock& clock, uint64_t capacity_bytes);
  ~TtlStore();
  TtlStore(const TtlStore&) = delete;
  TtlStore& operator=(const TtlStore&) = delete;

  // Stores a copy of value under key for ttl_seconds (1..kMaxTtlSeconds), replacing any old entry
  // (value, created_at, TTL, expiry). A key outside 1..kMaxKeyBytes bytes or a TTL out of range
  // is kInvalidArgument (util/limits.h). Returns kFull when live_bytes - old_live_size +
  // value.size() would exceed the capacity; the old value then stays. When created_at is non-null
  // it receives the stored copy's creation time (X-Created-At).
  Status Put(std::string_view key, std::string_view value, int64_t ttl_seconds,
             WallTime* created_at = nullptr);

  // Stores a copy of value that expires `remaining` from now while keeping ttl_seconds as its
  // original TTL (created_at = expiry - ttl_seconds, so X-Original-TTL and X-Created-At describe
  // the original write), unless key holds a live entry expiring at or after that time (a newer
  // write wins). Returns true when stored, false when the local copy was kept; kFull and
  // kInvalidArgument as Put. REQUIRES: 0 < remaining <= ttl_seconds.
  Result<bool> PutUnlessNewer(std::string_view key, std::string_view value, int64_t ttl_seconds,
                              Duration remaining);

  // Returns a copy of the live entry under key, or nullopt when missing or expired.
  std::optional<StoredEntry> Get(std::string_view key) const;

  // Returns the live entry's metadata without copying the value (HEAD, MCP exists).
  std::optional<StoredEntry> GetMeta(std::string_view key) const;

  // Returns live keys with the given byte prefix that sort strictly after cursor (empty = from
  // the start), at most limit of them (limit <= 0 = all), with next_cursor set iff truncated.
  // Reads through ScanKeys: no lock is held across the listing (not a snapshot).
  KeyPage List(std::string_view prefix, std::string_view cursor, int64_t limit) const;

  // Returns a reader of the live entries with at least min_remaining to live whose keys sort
  // strictly after cursor (empty = from the start), in byte order. See EntryScanner.
  EntryScanner Scan(std::string_view cursor, Duration min_remaining) const;

  // Returns a reader of the live keys with the given byte prefix that sort strictly after cursor
  // (empty = from the start), in byte order, as List sees them: its entries carry the key,
  // remaining and ttl_seconds, never the value. See EntryScanner.
  EntryScanner ScanKeys(std::string_view prefix, std::string_view cursor) const;

  // Frees every entry whose expiry has passed. Returns how many were freed.
  size_t ReclaimExpired();

  // Entries held (may include entries expired less than one reclaim period ago).
  uint64_t entry_count() const;
  // Payload bytes held (same caveat); the capacity measure.
  uint64_t payload_bytes() const;
  // Estimated bookkeeping bytes: keys plus per-entry structures.
  uint64_t overhead_bytes() const;
  // The configured capacity in bytes; 0 = unlimited.
  uint64_t capacity_bytes() const { return capacity_bytes_; }

 private:
  friend class EntryScanner;
  struct Shard;
  static constexpr size_t kShardCount = 16;

  // Put and PutUnlessNewer: stores an entry expiring lifetime_ns from now with ttl_seconds as
  // its TTL; with keep_newer a live entry expiring at or after that time is kept (false).
  Result<bool> Insert(std::string_view key, std::string_view value, int64_t ttl_seconds,
                      int64_t lifetime_ns, bool keep_newer, WallTime* created_at);

  int64_t NowNs() const;
  Shard& ShardFor(uint64_t key_hash) const;
  // Moves payload_bytes_ from old_size to new_size unless the capacity would be exceeded.
  bool ReservePayload(uint64_t old_size, uint64_t new_size);
  // Frees entries expired at now_ns; returns how many.
  size_t ReclaimAt(int64_t now_ns);
  StoredEntry MetaOf(const store::Entry& e) const;
  // Wall-clock creation time (ms precision) of an entry created at monotonic created_ns.
  WallTime WallAt(int64_t created_ns) const;
  // Get and GetMeta: the live entry's metadata, plus its value when with_value.
  std::optional<StoredEntry> Lookup(std::string_view key, bool with_value) const;

  const Clock& clock_;
  const uint64_t capacity_bytes_;
  const int64_t wall_minus_mono_ns_;  // wall clock minus monotonic clock at construction
  std::unique_ptr<Shard[]> shards_;
  // The one store-wide counter written on every Put (capacity must be exact across shards); on
  // its own cache line so it does not slow readers of the members above. Entry and overhead
  // counts live in the shards.
  alignas(64) std::atomic<uint64_t> payload_bytes_{0};
};

// Reads live entries (or only their keys, ScanKeys) of a TtlStore in byte order after a cursor
// without copying the store and without holding a lock across the read: each shard is read ahead
// a few entries at a time (at most 64 entries or 256 KiB of keys and values per refill) under its
// read lock, and the shards' read-ahead buffers are merged. Writers wait at most one refill. Not a
// snapshot: an entry written or expiring during the scan may or may not be returned; every key is
// returned at most once and keys are strictly ascending. The read-ahead buffers are reused (no
// allocation per entry once they have grown). Not thread-safe (one reader); REQUIRES: the store
// outlives it.
class EntryScanner {
 public:
  // Returns the next entry, valid until the next call, or nullptr at the end.
  const ScannedEntry* Next();

 private:
  friend class TtlStore;
  struct Lane {
    std::vector<ScannedEntry> buffer;  // entries [0, count) are the read-ahead
    size_t count = 0;
    size_t pos = 0;
    std::string after;       // last key read from this shard (starts at the cursor)
    bool inclusive = false;  // the next refill starts at `after` itself (a prefix start)
    bool done = false;       // the shard has nothing after `after`
  };

  // Reads keys with prefix after cursor; copies values only when with_values.
  EntryScanner(const TtlStore& store, std::string_view prefix, std::string_view cursor,
               Duration min_remaining, bool with_values);
  // Reads the next few entries of shard i into its lane. Returns false when it got none.
  bool Refill(size_t i);

  const TtlStore* store_;
  std::string prefix_;
  int64_t min_remaining_ns_;
  bool with_values_;
  bool started_ = false;
  std::vector<Lane> lanes_;
  std::vector<size_t> heap_;  // lanes with buffered entries, min-heap by their front key
  // The lane whose entry Next returned last: it moves on (and is put back into the heap) at the
  // next call, so that the returned entry stays valid until then.
  std::optional<size_t> returned_;
};

}  // namespace repram
