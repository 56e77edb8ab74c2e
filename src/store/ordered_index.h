#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/entry.h"

namespace repram::store {

// Byte-wise ordered index of Entry pointers (unsigned bytes, shorter prefix first), keyed by
// Entry::key(). Two levels: a sorted vector of chunks; each chunk holds a copy of its first key,
// a sorted vector of at most chunk_capacity (<= 64) entry pointers and, inline, one 8-bit hash
// tag per pointer.
//
// - Point lookup: binary search over a compact array of the chunks' first-key prefixes (8 bytes
//   each, so it stays in cache), full-key compares only among chunks whose prefix ties, then a
//   scan of the chunk's tags, eight per 64-bit word, while the chunk's pointers are prefetched;
//   only pointers with a matching tag are followed (about 1/4 false match per lookup in a full
//   chunk). So a hit waits for about two cache misses: chunk header and pointers together, then
//   the entry.
// - Insert and erase move at most two chunks' pointers. A full chunk first passes a boundary
//   slot to a neighbour with room (as in a B*-tree); else, when appending past the last or
//   before the first key, a new chunk is started so ascending or descending loads fill chunks
//   completely; else it splits in half. A chunk under a quarter full merges with a neighbour
//   when the result stays under three quarters; empty chunks are dropped.
// - Memory: 8 bytes per pointer slot plus about 140 bytes per chunk (~10 bytes per entry full).
// Callers pass the key's hash (KeyHash) so a key is hashed once per operation.
// Does not own the entries. Not thread-safe: the owning shard serialises access.
class OrderedIndex {
 public:
  static constexpr size_t kMaxChunkCapacity = 64;

  // Returns the hash the index expects for key (also usable for sharding: the index uses only
  // the top 8 bits).
  static uint64_t KeyHash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  // A position in key order; stays valid only until the index is modified.
  class Iterator {
   public:
    // Returns true while the iterator points at an entry.
    bool Valid() const { return chunk_ < index_->chunks_.size(); }
    // Returns the current entry. REQUIRES: Valid().
    Entry* entry() const { return index_->chunks_[chunk_].ptrs[slot_]; }
    // Moves to the next entry in key order. REQUIRES: Valid().
    void Next();

   private:
    friend class OrderedIndex;
    Iterator(const OrderedIndex* index, size_t chunk, size_t slot);
    const OrderedIndex* index_;
    size_t chunk_;
    size_t slot_;
  };

  // REQUIRES: 4 <= chunk_capacity <= kMaxChunkCapacity.
  explicit OrderedIndex(size_t chunk_capacity = kMaxChunkCapacity);

  // Returns the entry with exactly this key, or nullptr. REQUIRES: hash == KeyHash(key).
  Entry* Find(std::string_view key, uint64_t hash) const;
  // Inserts e, or replaces the entry with the same key and returns the replaced one (else
  // nullptr). The caller keeps ownership of both. REQUIRES: hash == KeyHash(e->key()).
  Entry* Upsert(Entry* e, uint64_t hash);
  // Removes e (found by pointer identity). Returns false when e is not indexed.
  // REQUIRES: hash == KeyHash(e->key()).
  bool Erase(const Entry* e, uint64_t hash);
  // Removes every entry for which pred is true, compacting chunks in one pass over the index.
  // Returns how many were removed. The caller still owns them.
  size_t EraseIf(const std::function<bool(const Entry*)>& pred);

  // Returns an iterator at the first key >= key.
  Iterator LowerBound(std::string_view key) const;
  // Returns an iterator at the first key > key.
  Iterator UpperBound(std::string_view key) const;

  // Returns the number of indexed entries.
  size_t size() const { return size_; }
  // Returns the number of chunks.
  size_t chunk_count() const { return chunks_.size(); }
  // Returns the estimated bytes one chunk costs: its directory elements and its pointer array
  // with allocator header (first keys longer than 15 bytes add a heap copy; not counted).
  size_t chunk_bytes() const;
  // Returns true when keys are strictly ascending, tags and first-key copies match the keys, no
  // chunk is empty or over capacity, and size() matches; used by tests.
  bool CheckInvariants() const;

 private:
  struct Chunk {
    std::string first;                              // copy of ptrs[0]->key()
    std::vector<Entry*> ptrs;                       // sorted by key
    std::array<uint8_t, kMaxChunkCapacity> tags{};  // tags[i] = Tag(KeyHash(ptrs[i]->key()))
  };

  static uint8_t Tag(uint64_t hash) { return static_cast<uint8_t>(hash >> 56); }

  // Returns the chunk that holds or would receive key. REQUIRES: !chunks_.empty().
  size_t ChunkFor(std::string_view key) const;
  // Returns the lower-bound slot of key inside chunk c (may equal its size).
  size_t SlotIn(size_t c, std::string_view key) const;
  // Returns the slot of key in chunk c found through the tags, or the chunk's size if absent.
  size_t FindSlot(size_t c, std::string_view key, uint8_t tag) const;
  // Returns an empty chunk with room for chunk_capacity pointers.
  Chunk NewChunk() const;
  // Inserts chunk at position c / removes chunk c, keeping prefixes_ in step.
  void InsertChunk(size_t c, Chunk chunk);
  void EraseChunk(size_t c);
  // Records chunk c's first key after its first slot changed.
  void SetFirst(size_t c);
  // Inserts (e, tag) at slot of chunk, which has room. Does not update its first key.
  static void InsertSlot(Chunk& chunk, size_t slot, Entry* e, uint8_t tag);
  // Removes the slot of chunk. Does not update its first key.
  static void EraseSlot(Chunk& chunk, size_t slot);
  // Appends src's slots to dst, which has room.
  static void AppendSlots(Chunk& dst, const Chunk& src);
  void InsertAt(size_t c, size_t slot, Entry* e, uint8_t tag);
  void EraseAt(size_t c, size_t slot);

  size_t chunk_capacity_;
  size_t size_ = 0;
  std::vector<Chunk> chunks_;
  std::vector<uint64_t> prefixes_;  // prefixes_[c] == KeyPrefix(chunks_[c].first)
  // ptr_data_[c] == chunks_[c].ptrs.data(), stable because pointer vectors never outgrow their
  // reserved capacity; lets a lookup start loading the pointers before the chunk header.
  std::vector<Entry* const*> ptr_data_;
};

}  // namespace repram::store
