#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/entry.h"

namespace repram::store {

// Byte-wise ordered index of Entry pointers (unsigned bytes, shorter prefix first), keyed by
// Entry::key(). Two levels: a sorted vector of chunks, each chunk a copy of its first key and a
// sorted vector of at most chunk_capacity slots. A slot is an Entry pointer with a 16-bit hash tag
// of its key in the upper 16 bits, which user-space pointers leave zero on the 64-bit targets we
// build for (checked).
//
// - Point lookup: binary search over the chunks' first-key copies (no entry dereference; the
//   last probes fall into neighbouring cache lines), then a sequential scan of the chunk's
//   tagged slots, so usually only the matching entry is dereferenced.
// - Insert and erase move at most one chunk's slots. Full chunks split in half, except when
//   appending past the last or before the first key, where a new chunk is started so ascending
//   or descending loads fill chunks completely. A chunk under a quarter full merges with a
//   neighbour when the result stays under three quarters; empty chunks are dropped.
// - Memory: 8 bytes per slot plus about 100 bytes per chunk.
// Callers pass the key's hash (KeyHash) so a key is hashed once per operation.
// Does not own the entries. Not thread-safe: the owning shard serialises access.
class OrderedIndex {
 public:
  static constexpr size_t kDefaultChunkCapacity = 64;

  // Returns the hash the index expects for key (also usable for sharding: the index uses only
  // the top 16 bits).
  static uint64_t KeyHash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  // A position in key order; stays valid only until the index is modified.
  class Iterator {
   public:
    // Returns true while the iterator points at an entry.
    bool Valid() const { return chunk_ < index_->chunks_.size(); }
    // Returns the current entry. REQUIRES: Valid().
    Entry* entry() const { return Untag(index_->chunks_[chunk_].slots[slot_]); }
    // Moves to the next entry in key order. REQUIRES: Valid().
    void Next();

   private:
    friend class OrderedIndex;
    Iterator(const OrderedIndex* index, size_t chunk, size_t slot);
    const OrderedIndex* index_;
    size_t chunk_;
    size_t slot_;
  };

  // REQUIRES: chunk_capacity >= 4.
  explicit OrderedIndex(size_t chunk_capacity = kDefaultChunkCapacity);

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
  // Returns the estimated bytes one chunk costs: its slot array with allocator header and its
  // directory element (first keys longer than 15 bytes add a heap copy; not counted).
  size_t chunk_bytes() const;
  // Returns true when keys are strictly ascending, tags and first-key copies match the keys, no
  // chunk is empty or over capacity, and size() matches; used by tests.
  bool CheckInvariants() const;

 private:
  using Slot = uint64_t;
  struct Chunk {
    std::string first;        // copy of the first slot's key, so the directory search is local
    std::vector<Slot> slots;  // sorted by key
  };

  static constexpr int kTagShift = 48;
  static Entry* Untag(Slot s) { return reinterpret_cast<Entry*>(s & ((Slot{1} << kTagShift) - 1)); }
  static Slot TagOf(uint64_t hash) { return hash >> kTagShift << kTagShift; }
  static Slot MakeSlot(Entry* e, uint64_t hash);

  // Returns the chunk that holds or would receive key. REQUIRES: !chunks_.empty().
  size_t ChunkFor(std::string_view key) const;
  // Returns the lower-bound slot of key inside chunk c (may equal its size).
  size_t SlotIn(size_t c, std::string_view key) const;
  // Returns the slot of key in chunk c found through the tags, or the chunk's size if absent.
  size_t FindSlot(size_t c, std::string_view key, uint64_t hash) const;
  // Returns an empty chunk with room for chunk_capacity slots.
  std::vector<Slot> NewSlots() const;
  // Inserts a chunk holding slots at position c / removes chunk c.
  void InsertChunk(size_t c, std::vector<Slot> slots);
  void EraseChunk(size_t c);
  void InsertAt(size_t c, size_t slot, Slot s);
  void EraseAt(size_t c, size_t slot);

  size_t chunk_capacity_;
  size_t size_ = 0;
  std::vector<Chunk> chunks_;
};

}  // namespace repram::store
