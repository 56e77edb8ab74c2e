#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "store/entry.h"

namespace repram::store {

// Byte-wise ordered index of Entry pointers (unsigned bytes, shorter prefix first), keyed by
// Entry::key(). Two levels: a sorted vector of chunks, each chunk a sorted vector of at most
// chunk_capacity pointers. A point lookup is a binary search over the chunks' first keys and
// then inside one chunk; an insert or erase moves at most one chunk's pointers. Full chunks split
// in half (except when appending past the last or before the first key, where a new chunk is
// started so ascending or descending loads fill chunks completely); a chunk under a quarter full
// merges with a neighbour when the result stays under three quarters; empty chunks are dropped.
// Costs about 8 bytes per entry at full chunks. Does not own the entries.
// Not thread-safe: the owning shard serialises access.
class OrderedIndex {
 public:
  static constexpr size_t kDefaultChunkCapacity = 256;

  // A position in key order; stays valid only until the index is modified.
  class Iterator {
   public:
    // Returns true while the iterator points at an entry.
    bool Valid() const { return chunk_ < index_->chunks_.size(); }
    // Returns the current entry. REQUIRES: Valid().
    Entry* entry() const { return index_->chunks_[chunk_][slot_]; }
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

  // Returns the entry with exactly this key, or nullptr.
  Entry* Find(std::string_view key) const;
  // Inserts e, or replaces the entry with the same key and returns the replaced one (else
  // nullptr). The caller keeps ownership of both.
  Entry* Upsert(Entry* e);
  // Removes e (found by its key and pointer identity). Returns false when e is not indexed.
  bool Erase(const Entry* e);
  // Removes every entry for which pred is true, compacting chunks in one pass over the index.
  // Returns how many were removed. The caller still owns them.
  size_t EraseIf(const std::function<bool(const Entry*)>& pred);

  // Returns an iterator at the first key >= key.
  Iterator LowerBound(std::string_view key) const;
  // Returns an iterator at the first key > key.
  Iterator UpperBound(std::string_view key) const;

  // Returns the number of indexed entries.
  size_t size() const { return size_; }
  // Returns the number of chunks (each costs chunk_capacity pointers of memory).
  size_t chunk_count() const { return chunks_.size(); }
  // Returns the configured chunk capacity.
  size_t chunk_capacity() const { return chunk_capacity_; }
  // Returns true when keys are strictly ascending, no chunk is empty or over capacity, and
  // size() matches; used by tests.
  bool CheckInvariants() const;

 private:
  using Chunk = std::vector<Entry*>;

  // Returns the chunk that holds or would receive key. REQUIRES: !chunks_.empty().
  size_t ChunkFor(std::string_view key) const;
  // Returns the lower-bound slot of key inside chunk c (may equal its size).
  size_t SlotIn(size_t c, std::string_view key) const;
  Chunk NewChunk() const;
  void InsertAt(size_t c, size_t slot, Entry* e);
  void EraseAt(size_t c, size_t slot);

  size_t chunk_capacity_;
  size_t size_ = 0;
  std::vector<Chunk> chunks_;
};

}  // namespace repram::store
