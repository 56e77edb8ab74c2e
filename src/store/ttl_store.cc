#include "store/ttl_store.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "store/entry.h"
#include "store/expiry_index.h"
#include "store/ordered_index.h"
#include "util/limits.h"
#include "util/mutex.h"

namespace repram {

using store::Entry;
using store::EntryList;

namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
// Estimated per-allocation cost of glibc malloc: an 8-byte size header, 16-byte granules,
// 32-byte minimum chunk.
constexpr uint64_t MallocChunkBytes(uint64_t n) {
  return std::max<uint64_t>(32, (n + 8 + 15) & ~15ULL);
}
// std::map node of an expiry bucket: red-black links and colour (32) + key (8) + list head (16).
constexpr uint64_t kBucketNodeBytes = MallocChunkBytes(56);

uint64_t EntryOverheadBytes(const Entry& e) {
  return MallocChunkBytes(Entry::AllocationSize(e.key().size(), e.value_size())) - e.value_size();
}

}  // namespace

// One lock domain. Entries are owned by the shard (reachable through index, linked into expiry).
struct alignas(64) TtlStore::Shard {
  ~Shard() {
    for (auto it = index.LowerBound({}); it.Valid(); it.Next()) Entry::Destroy(it.entry());
  }

  // Adds delta (mod 2^64) to a counter that is written only under mu and read without it.
  static void Bump(std::atomic<uint64_t>& counter, uint64_t delta) {
    counter.store(counter.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
  }

  // Re-estimates the index structure bytes into the overhead counter.
  void UpdateStructureBytes() REQUIRES(mu) {
    const uint64_t bytes =
        index.chunk_count() * index.chunk_bytes() + expiry.bucket_count() * kBucketNodeBytes;
    if (bytes == structure_bytes) return;
    Bump(overhead, bytes - structure_bytes);
    structure_bytes = bytes;
  }

  mutable SharedMutex mu;
  store::OrderedIndex index GUARDED_BY(mu);
  store::ExpiryIndex expiry GUARDED_BY(mu);
  uint64_t structure_bytes GUARDED_BY(mu) = 0;  // index part of overhead
  std::atomic<uint64_t> entries{0};             // written under mu
  std::atomic<uint64_t> overhead{0};            // written under mu: entries' and structures' bytes
};

TtlStore::TtlStore(const Clock& clock, uint64_t capacity_bytes)
    : clock_(clock),
      capacity_bytes_(capacity_bytes),
      wall_minus_mono_ns_(
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock.WallNow().time_since_epoch())
              .count() -
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock.Now().time_since_epoch())
              .count()),
      shards_(std::make_unique<Shard[]>(kShardCount)) {}

TtlStore::~TtlStore() = default;

int64_t TtlStore::NowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.Now().time_since_epoch())
      .count();
}

TtlStore::Shard& TtlStore::ShardFor(uint64_t hash) const { return shards_[hash % kShardCount]; }

bool TtlStore::ReservePayload(uint64_t old_size, uint64_t new_size) {
  if (capacity_bytes_ == 0) {
    payload_bytes_.fetch_add(new_size - old_size, std::memory_order_relaxed);  // mod 2^64
    return true;
  }
  uint64_t held = payload_bytes_.load(std::memory_order_relaxed);
  uint64_t next;
  do {
    next = held - old_size + new_size;  // old_size is part of held (its shard is locked)
    if (next > capacity_bytes_) return false;
  } while (!payload_bytes_.compare_exchange_weak(held, next, std::memory_order_relaxed));
  return true;
}

Status TtlStore::Put(std::string_view key, std::string_view value, int64_t ttl_seconds,
                     WallTime* created_at) {
  Result<bool> stored =
      Insert(key, value, ttl_seconds, ttl_seconds * kNanosPerSecond, false, created_at);
  return stored.ok() ? Status::Ok() : stored.status();
}

Result<bool> TtlStore::PutUnlessNewer(std::string_view key, std::string_view value,
                                      int64_t ttl_seconds, Duration remaining) {
  const int64_t lifetime_ns = std::chrono::nanoseconds(remaining).count();
  if (lifetime_ns <= 0 ||
      lifetime_ns > ClampTtl(ttl_seconds, 0, kMaxTtlSeconds) * kNanosPerSecond) {
    return Status(StatusCode::kInvalidArgument, "remaining lifetime out of range");
  }
  return Insert(key, value, ttl_seconds, lifetime_ns, true, nullptr);
}

Result<bool> TtlStore::Insert(std::string_view key, std::string_view value, int64_t ttl_seconds,
                              int64_t lifetime_ns, bool keep_newer, WallTime* created_at) {
  if (key.empty() || key.size() > kMaxKeyBytes) {
    return Status(StatusCode::kInvalidArgument, "key must be 1..8192 bytes");
  }
  if (ttl_seconds < 1 || ttl_seconds > kMaxTtlSeconds) {
    return Status(StatusCode::kInvalidArgument, "ttl out of range");
  }
  if (value.size() > std::numeric_limits<uint32_t>::max()) {
    return Status(StatusCode::kInvalidArgument, "value too large");
  }
  const int64_t now = NowNs();
  const int64_t expires_ns = now + lifetime_ns;
  Entry* fresh = Entry::Create(key, value, expires_ns, static_cast<uint32_t>(ttl_seconds));
  const uint64_t hash = store::OrderedIndex::KeyHash(key);
  Shard& shard = ShardFor(hash);
  for (int attempt = 0; attempt < 2; ++attempt) {
    Entry* old = nullptr;
    bool reserved = false;
    bool superseded = false;  // keep_newer and a live local copy expires no earlier
    {
      WriterMutexLock lock(shard.mu);
      if (keep_newer) {
        const Entry* held = shard.index.Find(key, hash);
        superseded = held != nullptr && !held->ExpiredAt(now) && held->expires_ns() >= expires_ns;
      }
      if (!superseded) {
        old = shard.index.Upsert(fresh, hash);
        reserved = ReservePayload(old == nullptr ? 0 : old->value_size(), value.size());
        if (reserved) {
          shard.expiry.Add(fresh, now);
          uint64_t overhead = EntryOverheadBytes(*fresh);
          if (old != nullptr) {
            old->hook.unlink();
            overhead -= EntryOverheadBytes(*old);
          } else {
            Shard::Bump(shard.entries, 1);
          }
          Shard::Bump(shard.overhead, overhead);
        } else if (old != nullptr) {
          shard.index.Upsert(old, hash);
        } else {
          shard.index.Erase(fresh, hash);
        }
        shard.UpdateStructureBytes();
      }
    }
    if (superseded) {
      Entry::Destroy(fresh);
      return false;
    }
    if (!reserved) {
      // Expired entries never count: free them at this instant and check once more.
      if (attempt == 0) ReclaimAt(now);
      continue;
    }
    Entry::Destroy(old);  // outside the lock: freeing a large value may unmap memory
    if (created_at != nullptr) *created_at = WallAt(expires_ns - ttl_seconds * kNanosPerSecond);
    return true;
  }
  Entry::Destroy(fresh);
  return Status(StatusCode::kFull, "node storage capacity exceeded");
}

StoredEntry TtlStore::MetaOf(const Entry& e) const {
  StoredEntry out;
  out.ttl_seconds = e.ttl_seconds();
  out.expires_at = MonoTime(std::chrono::nanoseconds(e.expires_ns()));
  out.created_at = WallAt(e.expires_ns() - int64_t{e.ttl_seconds()} * kNanosPerSecond);
  return out;
}

WallTime TtlStore::WallAt(int64_t created_ns) const {
  return std::chrono::floor<std::chrono::milliseconds>(
      WallTime(std::chrono::duration_cast<WallTime::duration>(
          std::chrono::nanoseconds(created_ns + wall_minus_mono_ns_))));
}

std::optional<StoredEntry> TtlStore::Lookup(std::string_view key, bool with_value) const {
  const int64_t now = NowNs();
  const uint64_t hash = store::OrderedIndex::KeyHash(key);
  Shard& shard = ShardFor(hash);
  ReaderMutexLock lock(shard.mu);
  const Entry* e = shard.index.Find(key, hash);
  if (e == nullptr || e->ExpiredAt(now)) return std::nullopt;
  StoredEntry out = MetaOf(*e);
  if (with_value) out.value.assign(e->value());
  return out;
}

std::optional<StoredEntry> TtlStore::Get(std::string_view key) const { return Lookup(key, true); }

std::optional<StoredEntry> TtlStore::GetMeta(std::string_view key) const {
  return Lookup(key, false);
}

KeyPage TtlStore::List(std::string_view prefix, std::string_view cursor, int64_t limit) const {
  EntryScanner scanner = ScanKeys(prefix, cursor);
  KeyPage page;
  const auto max_keys = limit > 0 ? static_cast<uint64_t>(limit) : ~uint64_t{0};
  for (const ScannedEntry* e = scanner.Next(); e != nullptr; e = scanner.Next()) {
    if (page.keys.size() == max_keys) {
      page.next_cursor = page.keys.back();
      break;
    }
    page.keys.push_back(e->key);
  }
  return page;
}

EntryScanner TtlStore::Scan(std::string_view cursor, Duration min_remaining) const {
  return EntryScanner(*this, {}, cursor, min_remaining, /*with_values=*/true);
}

EntryScanner TtlStore::ScanKeys(std::string_view prefix, std::string_view cursor) const {
  return EntryScanner(*this, prefix, cursor, Duration::zero(), /*with_values=*/false);
}

EntryScanner::EntryScanner(const TtlStore& store, std::string_view prefix, std::string_view cursor,
                           Duration min_remaining, bool with_values)
    : store_(&store),
      prefix_(prefix),
      min_remaining_ns_(std::max<int64_t>(1, std::chrono::nanoseconds(min_remaining).count())),
      with_values_(with_values),
      lanes_(TtlStore::kShardCount) {
  // Keys after a cursor at or past the prefix that lack the prefix sort after every prefixed
  // key, so each lane stops at the first one; before that, a lane starts at the prefix itself.
  const bool from_prefix = !prefix.empty() && (cursor.empty() || cursor < prefix);
  for (Lane& lane : lanes_) {
    lane.after = std::string(from_prefix ? prefix : cursor);
    lane.inclusive = from_prefix;
  }
}

bool EntryScanner::Refill(size_t i) {
  constexpr size_t kMaxEntries = 64;
  constexpr size_t kMaxBytes = 256 * 1024;
  Lane& lane = lanes_[i];
  lane.count = 0;
  lane.pos = 0;
  if (lane.done) return false;
  const int64_t now = store_->NowNs();
  const TtlStore::Shard& shard = store_->shards_[i];
  size_t bytes = 0;
  {
    ReaderMutexLock lock(shard.mu);
    // Keys are never empty: UpperBound("") = from the start.
    auto it =
        lane.inclusive ? shard.index.LowerBound(lane.after) : shard.index.UpperBound(lane.after);
    lane.inclusive = false;
    bool end = false;
    for (;; it.Next()) {
      if (!it.Valid()) {
        end = true;
        break;
      }
      if (lane.count >= kMaxEntries || bytes >= kMaxBytes) break;
      const Entry* e = it.entry();
      if (!e->key().starts_with(prefix_)) {
        end = true;
        break;
      }
      const int64_t remaining = e->expires_ns() - now;
      if (remaining < min_remaining_ns_) continue;
      if (lane.count == lane.buffer.size()) lane.buffer.emplace_back();
      ScannedEntry& out = lane.buffer[lane.count++];
      out.key.assign(e->key());  // assign: reuses the capacity of the entry read before
      if (with_values_) out.value.assign(e->value());
      out.remaining = std::chrono::nanoseconds(remaining);
      out.ttl_seconds = e->ttl_seconds();
      bytes += e->key().size() + (with_values_ ? e->value_size() : 0);
    }
    lane.done = end;
  }
  if (lane.count == 0) return false;
  lane.after = lane.buffer[lane.count - 1].key;
  return true;
}

const ScannedEntry* EntryScanner::Next() {
  auto later = [this](size_t a, size_t b) {
    return lanes_[a].buffer[lanes_[a].pos].key > lanes_[b].buffer[lanes_[b].pos].key;
  };
  if (!started_) {
    started_ = true;
    for (size_t i = 0; i < lanes_.size(); ++i) {
      if (Refill(i)) heap_.push_back(i);
    }
    std::make_heap(heap_.begin(), heap_.end(), later);
  }
  if (returned_) {
    // The lane of the last entry returned sits at heap_.back(), outside the heap proper.
    Lane& lane = lanes_[*returned_];
    if (++lane.pos < lane.count || Refill(*returned_)) {
      std::push_heap(heap_.begin(), heap_.end(), later);
    } else {
      heap_.pop_back();
    }
    returned_.reset();
  }
  if (heap_.empty()) return nullptr;
  std::pop_heap(heap_.begin(), heap_.end(), later);
  returned_ = heap_.back();
  const Lane& lane = lanes_[*returned_];
  return &lane.buffer[lane.pos];
}

size_t TtlStore::ReclaimExpired() { return ReclaimAt(NowNs()); }

size_t TtlStore::ReclaimAt(int64_t now_ns) {
  size_t freed = 0;
  for (size_t i = 0; i < kShardCount; ++i) {
    Shard& shard = shards_[i];
    EntryList doomed;
    {
      WriterMutexLock lock(shard.mu);
      shard.expiry.TakeExpired(now_ns, doomed);
      // Erase one by one while the batch is small; past an eighth of the shard one compacting
      // pass over the index is cheaper (and counting the batch stops at that point).
      const size_t sweep_after = shard.index.size() / 8;
      size_t batch = 0;
      for (auto it = doomed.begin(); it != doomed.end() && batch <= sweep_after; ++it) ++batch;
      size_t count = 0;
      uint64_t payload = 0;
      uint64_t overhead = 0;
      auto tally = [&](const Entry& e) {
        ++count;
        payload += e.value_size();
        overhead += EntryOverheadBytes(e);
      };
      if (batch > sweep_after) {
        // Removes exactly the doomed entries: TakeExpired left no expired entry linked.
        shard.index.EraseIf([&](const Entry* e) {
          if (!e->ExpiredAt(now_ns)) return false;
          tally(*e);
          return true;
        });
      } else {
        for (const Entry& e : doomed) {
          shard.index.Erase(&e, store::OrderedIndex::KeyHash(e.key()));
          tally(e);
        }
      }
      if (count == 0) continue;
      Shard::Bump(shard.entries, uint64_t{0} - count);
      Shard::Bump(shard.overhead, uint64_t{0} - overhead);
      payload_bytes_.fetch_sub(payload, std::memory_order_relaxed);
      shard.UpdateStructureBytes();
      freed += count;
    }
    doomed.clear_and_dispose(&Entry::Destroy);  // outside the lock
  }
  return freed;
}

uint64_t TtlStore::entry_count() const {
  uint64_t n = 0;
  for (size_t i = 0; i < kShardCount; ++i) n += shards_[i].entries.load(std::memory_order_relaxed);
  return n;
}

uint64_t TtlStore::payload_bytes() const { return payload_bytes_.load(std::memory_order_relaxed); }

uint64_t TtlStore::overhead_bytes() const {
  uint64_t n = 0;
  for (size_t i = 0; i < kShardCount; ++i) n += shards_[i].overhead.load(std::memory_order_relaxed);
  return n;
}

}  // namespace repram
