#include "store/ordered_index.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <utility>

namespace repram::store {
namespace {

static_assert(sizeof(void*) == sizeof(uint64_t), "tagged slots need 64-bit pointers");

ptrdiff_t Off(size_t i) { return static_cast<ptrdiff_t>(i); }

// Compares e's key with key; first starts loading the entry's next two cache lines (key and,
// for small entries, the value the caller usually reads next) in parallel with the first.
bool Matches(const Entry* e, std::string_view key) {
  const char* p = reinterpret_cast<const char*>(e);
  __builtin_prefetch(p + 64);
  __builtin_prefetch(p + 128);
  return e->key() == key;
}

}  // namespace

OrderedIndex::Iterator::Iterator(const OrderedIndex* index, size_t chunk, size_t slot)
    : index_(index), chunk_(chunk), slot_(slot) {
  if (Valid() && slot_ == index_->chunks_[chunk_].slots.size()) {
    ++chunk_;
    slot_ = 0;
  }
}

void OrderedIndex::Iterator::Next() {
  if (++slot_ == index_->chunks_[chunk_].slots.size()) {
    ++chunk_;
    slot_ = 0;
  }
}

OrderedIndex::OrderedIndex(size_t chunk_capacity) : chunk_capacity_(chunk_capacity) {}

OrderedIndex::Slot OrderedIndex::MakeSlot(Entry* e, uint64_t hash) {
  const auto bits = reinterpret_cast<Slot>(e);
  if (bits >> kTagShift != 0) {
    std::fprintf(stderr, "repram store: heap pointer %p above 2^48 cannot be tagged\n",
                 static_cast<void*>(e));
    std::abort();
  }
  return bits | TagOf(hash);
}

size_t OrderedIndex::chunk_bytes() const {
  return chunk_capacity_ * sizeof(Slot) + 16 + sizeof(Chunk);
}

std::vector<OrderedIndex::Slot> OrderedIndex::NewSlots() const {
  std::vector<Slot> slots;
  slots.reserve(chunk_capacity_);
  return slots;
}

void OrderedIndex::InsertChunk(size_t c, std::vector<Slot> slots) {
  std::string first(Untag(slots[0])->key());
  chunks_.insert(chunks_.begin() + Off(c), Chunk{std::move(first), std::move(slots)});
}

void OrderedIndex::EraseChunk(size_t c) { chunks_.erase(chunks_.begin() + Off(c)); }

size_t OrderedIndex::ChunkFor(std::string_view key) const {
  // The last chunk whose first key is <= key; chunk 0 for keys before everything.
  auto it = std::upper_bound(chunks_.begin() + 1, chunks_.end(), key,
                             [](std::string_view k, const Chunk& c) { return k < c.first; });
  return static_cast<size_t>(std::distance(chunks_.begin(), it)) - 1;
}

size_t OrderedIndex::SlotIn(size_t c, std::string_view key) const {
  const std::vector<Slot>& slots = chunks_[c].slots;
  auto it = std::lower_bound(slots.begin(), slots.end(), key,
                             [](Slot s, std::string_view k) { return Untag(s)->key() < k; });
  return static_cast<size_t>(std::distance(slots.begin(), it));
}

size_t OrderedIndex::FindSlot(size_t c, std::string_view key, uint64_t hash) const {
  const std::vector<Slot>& slots = chunks_[c].slots;
  const Slot tag = TagOf(hash);
  const size_t n = slots.size();
  for (size_t i = 0; i < n; ++i) {
    if (((slots[i] ^ tag) >> kTagShift) == 0 && Matches(Untag(slots[i]), key)) return i;
  }
  return n;
}

Entry* OrderedIndex::Find(std::string_view key, uint64_t hash) const {
  if (chunks_.empty()) return nullptr;
  const size_t c = ChunkFor(key);
  const size_t slot = FindSlot(c, key, hash);
  return slot == chunks_[c].slots.size() ? nullptr : Untag(chunks_[c].slots[slot]);
}

Entry* OrderedIndex::Upsert(Entry* e, uint64_t hash) {
  const Slot s = MakeSlot(e, hash);
  if (chunks_.empty()) {
    std::vector<Slot> slots = NewSlots();
    slots.push_back(s);
    InsertChunk(0, std::move(slots));
    size_ = 1;
    return nullptr;
  }
  const size_t c = ChunkFor(e->key());
  const size_t found = FindSlot(c, e->key(), hash);
  if (found < chunks_[c].slots.size()) return Untag(std::exchange(chunks_[c].slots[found], s));
  InsertAt(c, SlotIn(c, e->key()), s);
  return nullptr;
}

void OrderedIndex::InsertAt(size_t c, size_t slot, Slot s) {
  ++size_;
  if (chunks_[c].slots.size() < chunk_capacity_) {
    chunks_[c].slots.insert(chunks_[c].slots.begin() + Off(slot), s);
    if (slot == 0) chunks_[c].first = Untag(s)->key();
    return;
  }
  const bool append_at_end = c + 1 == chunks_.size() && slot == chunks_[c].slots.size();
  const bool prepend_at_start = c == 0 && slot == 0;
  if (append_at_end || prepend_at_start) {
    std::vector<Slot> fresh = NewSlots();
    fresh.push_back(s);
    InsertChunk(append_at_end ? c + 1 : 0, std::move(fresh));
    return;
  }
  const size_t half = chunk_capacity_ / 2;
  std::vector<Slot> right = NewSlots();
  right.assign(chunks_[c].slots.begin() + Off(half), chunks_[c].slots.end());
  chunks_[c].slots.resize(half);
  InsertChunk(c + 1, std::move(right));
  if (slot > half) {
    ++c;
    slot -= half;
  }
  chunks_[c].slots.insert(chunks_[c].slots.begin() + Off(slot), s);
  if (slot == 0) chunks_[c].first = Untag(s)->key();
}

bool OrderedIndex::Erase(const Entry* e, uint64_t hash) {
  if (chunks_.empty()) return false;
  const size_t c = ChunkFor(e->key());
  const size_t slot = FindSlot(c, e->key(), hash);
  if (slot == chunks_[c].slots.size() || Untag(chunks_[c].slots[slot]) != e) return false;
  EraseAt(c, slot);
  return true;
}

void OrderedIndex::EraseAt(size_t c, size_t slot) {
  --size_;
  std::vector<Slot>& slots = chunks_[c].slots;
  slots.erase(slots.begin() + Off(slot));
  const size_t n = slots.size();
  if (n == 0) {
    EraseChunk(c);
    return;
  }
  if (slot == 0) chunks_[c].first = Untag(slots[0])->key();
  if (n >= chunk_capacity_ / 4) return;
  const size_t merge_limit = chunk_capacity_ * 3 / 4;
  const bool left_fits = c > 0 && chunks_[c - 1].slots.size() + n <= merge_limit;
  const bool right_fits = c + 1 < chunks_.size() && chunks_[c + 1].slots.size() + n <= merge_limit;
  if (!left_fits && !right_fits) return;
  // Merge into the left one of the pair (the smaller neighbour when both fit).
  size_t left = c - 1;
  if (!left_fits || (right_fits && chunks_[c + 1].slots.size() < chunks_[c - 1].slots.size())) {
    left = c;
  }
  std::vector<Slot>& dst = chunks_[left].slots;
  const std::vector<Slot>& src = chunks_[left + 1].slots;
  dst.insert(dst.end(), src.begin(), src.end());
  EraseChunk(left + 1);
}

size_t OrderedIndex::EraseIf(const std::function<bool(const Entry*)>& pred) {
  size_t removed = 0;
  for (Chunk& chunk : chunks_) {
    removed += std::erase_if(chunk.slots, [&pred](Slot s) { return pred(Untag(s)); });
  }
  size_ -= removed;
  const size_t quarter = chunk_capacity_ / 4;
  const size_t merge_limit = chunk_capacity_ * 3 / 4;
  std::vector<Chunk> kept;
  for (Chunk& chunk : chunks_) {
    std::vector<Slot>& slots = chunk.slots;
    if (slots.empty()) continue;
    if (!kept.empty() && (kept.back().slots.size() < quarter || slots.size() < quarter) &&
        kept.back().slots.size() + slots.size() <= merge_limit) {
      kept.back().slots.insert(kept.back().slots.end(), slots.begin(), slots.end());
    } else {
      chunk.first = Untag(slots[0])->key();
      kept.push_back(std::move(chunk));
    }
  }
  chunks_ = std::move(kept);
  return removed;
}

OrderedIndex::Iterator OrderedIndex::LowerBound(std::string_view key) const {
  if (chunks_.empty()) return Iterator(this, 0, 0);
  const size_t c = ChunkFor(key);
  return Iterator(this, c, SlotIn(c, key));
}

OrderedIndex::Iterator OrderedIndex::UpperBound(std::string_view key) const {
  Iterator it = LowerBound(key);
  if (it.Valid() && it.entry()->key() == key) it.Next();
  return it;
}

bool OrderedIndex::CheckInvariants() const {
  size_t count = 0;
  const Entry* prev = nullptr;
  for (const Chunk& chunk : chunks_) {
    if (chunk.slots.empty() || chunk.slots.size() > chunk_capacity_) return false;
    if (chunk.first != Untag(chunk.slots[0])->key()) return false;
    for (Slot s : chunk.slots) {
      const Entry* e = Untag(s);
      if (prev != nullptr && !(prev->key() < e->key())) return false;
      if ((s >> kTagShift) != (KeyHash(e->key()) >> kTagShift)) return false;
      prev = e;
      ++count;
    }
  }
  return count == size_;
}

}  // namespace repram::store
