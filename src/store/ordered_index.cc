#include "store/ordered_index.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <utility>

namespace repram::store {
namespace {

ptrdiff_t Off(size_t i) { return static_cast<ptrdiff_t>(i); }

// Returns the first 8 bytes of key, zero-padded, as a big-endian integer. If KeyPrefix(a) <
// KeyPrefix(b) then a < b byte-wise; equal prefixes decide nothing.
uint64_t KeyPrefix(std::string_view key) {
  uint64_t p = 0;
  const size_t n = std::min<size_t>(key.size(), 8);
  for (size_t i = 0; i < n; ++i) p |= uint64_t{static_cast<uint8_t>(key[i])} << (56 - 8 * i);
  return p;
}

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
  if (Valid() && slot_ == index_->chunks_[chunk_].ptrs.size()) {
    ++chunk_;
    slot_ = 0;
  }
}

void OrderedIndex::Iterator::Next() {
  if (++slot_ == index_->chunks_[chunk_].ptrs.size()) {
    ++chunk_;
    slot_ = 0;
  }
}

OrderedIndex::OrderedIndex(size_t chunk_capacity) : chunk_capacity_(chunk_capacity) {}

size_t OrderedIndex::chunk_bytes() const {
  return sizeof(Chunk) + chunk_capacity_ * sizeof(Entry*) + 16 + sizeof(uint64_t) +
         sizeof(Entry* const*);
}

OrderedIndex::Chunk OrderedIndex::NewChunk() const {
  Chunk chunk;
  chunk.ptrs.reserve(chunk_capacity_);
  return chunk;
}

void OrderedIndex::InsertChunk(size_t c, Chunk chunk) {
  chunk.first = chunk.ptrs[0]->key();
  prefixes_.insert(prefixes_.begin() + Off(c), KeyPrefix(chunk.first));
  ptr_data_.insert(ptr_data_.begin() + Off(c), chunk.ptrs.data());
  chunks_.insert(chunks_.begin() + Off(c), std::move(chunk));
}

void OrderedIndex::EraseChunk(size_t c) {
  prefixes_.erase(prefixes_.begin() + Off(c));
  ptr_data_.erase(ptr_data_.begin() + Off(c));
  chunks_.erase(chunks_.begin() + Off(c));
}

void OrderedIndex::SetFirst(size_t c) {
  chunks_[c].first = chunks_[c].ptrs[0]->key();
  prefixes_[c] = KeyPrefix(chunks_[c].first);
}

void OrderedIndex::InsertSlot(Chunk& chunk, size_t slot, Entry* e, uint8_t tag) {
  const size_t n = chunk.ptrs.size();
  chunk.ptrs.insert(chunk.ptrs.begin() + Off(slot), e);
  std::memmove(chunk.tags.data() + slot + 1, chunk.tags.data() + slot, n - slot);
  chunk.tags[slot] = tag;
}

void OrderedIndex::EraseSlot(Chunk& chunk, size_t slot) {
  chunk.ptrs.erase(chunk.ptrs.begin() + Off(slot));
  std::memmove(chunk.tags.data() + slot, chunk.tags.data() + slot + 1, chunk.ptrs.size() - slot);
}

void OrderedIndex::AppendSlots(Chunk& dst, const Chunk& src) {
  std::memcpy(dst.tags.data() + dst.ptrs.size(), src.tags.data(), src.ptrs.size());
  dst.ptrs.insert(dst.ptrs.end(), src.ptrs.begin(), src.ptrs.end());
}

size_t OrderedIndex::ChunkFor(std::string_view key) const {
  // The last chunk whose first key is <= key; chunk 0 for keys before everything. Chunks whose
  // prefix is below the key's start before key, those above start after it; only the tied run
  // needs full compares.
  const uint64_t p = KeyPrefix(key);
  const auto tie_end = std::upper_bound(prefixes_.begin(), prefixes_.end(), p);
  const auto tie_begin = std::lower_bound(prefixes_.begin(), tie_end, p);
  const auto it = std::upper_bound(chunks_.begin() + (tie_begin - prefixes_.begin()),
                                   chunks_.begin() + (tie_end - prefixes_.begin()), key,
                                   [](std::string_view k, const Chunk& c) { return k < c.first; });
  const auto c = static_cast<size_t>(std::distance(chunks_.begin(), it));
  return c == 0 ? 0 : c - 1;
}

size_t OrderedIndex::SlotIn(size_t c, std::string_view key) const {
  const std::vector<Entry*>& ptrs = chunks_[c].ptrs;
  auto it = std::lower_bound(ptrs.begin(), ptrs.end(), key,
                             [](const Entry* e, std::string_view k) { return e->key() < k; });
  return static_cast<size_t>(std::distance(ptrs.begin(), it));
}

size_t OrderedIndex::FindSlot(size_t c, std::string_view key, uint8_t tag) const {
  // Hand-written SWAR scan (no portable SIMD in the allowed libraries): eight tags per 64-bit
  // word; a byte of (word ^ pattern) that is zero marks a candidate. Lanes past the chunk's size
  // hold stale tags and are skipped by the bound check.
  const char* ptrs = reinterpret_cast<const char*>(ptr_data_[c]);
  for (size_t off = 0; off < chunk_capacity_ * sizeof(Entry*); off += 64) {
    __builtin_prefetch(ptrs + off);
  }
  const Chunk& chunk = chunks_[c];
  const size_t n = chunk.ptrs.size();
  constexpr uint64_t kLow = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t pattern = kLow * tag;
  for (size_t base = 0; base < n; base += 8) {
    uint64_t word;
    std::memcpy(&word, chunk.tags.data() + base, sizeof word);
    const uint64_t x = word ^ pattern;
    if (((x - kLow) & ~x & kHigh) == 0) continue;
    for (size_t i = base; i < std::min(base + 8, n); ++i) {
      if (chunk.tags[i] == tag && Matches(chunk.ptrs[i], key)) return i;
    }
  }
  return n;
}

Entry* OrderedIndex::Find(std::string_view key, uint64_t hash) const {
  if (chunks_.empty()) return nullptr;
  const size_t c = ChunkFor(key);
  const size_t slot = FindSlot(c, key, Tag(hash));
  return slot == chunks_[c].ptrs.size() ? nullptr : chunks_[c].ptrs[slot];
}

Entry* OrderedIndex::Upsert(Entry* e, uint64_t hash) {
  const uint8_t tag = Tag(hash);
  if (chunks_.empty()) {
    Chunk chunk = NewChunk();
    InsertSlot(chunk, 0, e, tag);
    InsertChunk(0, std::move(chunk));
    size_ = 1;
    return nullptr;
  }
  const size_t c = ChunkFor(e->key());
  const size_t found = FindSlot(c, e->key(), tag);
  if (found < chunks_[c].ptrs.size()) return std::exchange(chunks_[c].ptrs[found], e);
  InsertAt(c, SlotIn(c, e->key()), e, tag);
  return nullptr;
}

void OrderedIndex::InsertAt(size_t c, size_t slot, Entry* e, uint8_t tag) {
  ++size_;
  if (chunks_[c].ptrs.size() < chunk_capacity_) {
    InsertSlot(chunks_[c], slot, e, tag);
    if (slot == 0) SetFirst(c);
    return;
  }
  // Full: first try to pass a boundary slot to a neighbour with room (as a B*-tree does; keeps
  // chunks fuller under random inserts), then start a new chunk at either end, else split.
  if (c > 0 && slot > 0 && chunks_[c - 1].ptrs.size() < chunk_capacity_) {
    Chunk& cur = chunks_[c];
    InsertSlot(chunks_[c - 1], chunks_[c - 1].ptrs.size(), cur.ptrs[0], cur.tags[0]);
    EraseSlot(cur, 0);
    InsertSlot(cur, slot - 1, e, tag);
    SetFirst(c);
    return;
  }
  if (c + 1 < chunks_.size() && chunks_[c + 1].ptrs.size() < chunk_capacity_) {
    Chunk& cur = chunks_[c];
    const size_t last = cur.ptrs.size() - 1;
    if (slot > last) {
      InsertSlot(chunks_[c + 1], 0, e, tag);
    } else {
      InsertSlot(chunks_[c + 1], 0, cur.ptrs[last], cur.tags[last]);
      EraseSlot(cur, last);
      InsertSlot(cur, slot, e, tag);
      if (slot == 0) SetFirst(c);
    }
    SetFirst(c + 1);
    return;
  }
  const bool append_at_end = c + 1 == chunks_.size() && slot == chunks_[c].ptrs.size();
  const bool prepend_at_start = c == 0 && slot == 0;
  if (append_at_end || prepend_at_start) {
    Chunk fresh = NewChunk();
    InsertSlot(fresh, 0, e, tag);
    InsertChunk(append_at_end ? c + 1 : 0, std::move(fresh));
    return;
  }
  const size_t half = chunk_capacity_ / 2;
  Chunk right = NewChunk();
  right.ptrs.assign(chunks_[c].ptrs.begin() + Off(half), chunks_[c].ptrs.end());
  std::memcpy(right.tags.data(), chunks_[c].tags.data() + half, right.ptrs.size());
  chunks_[c].ptrs.resize(half);
  InsertChunk(c + 1, std::move(right));
  if (slot > half) {
    ++c;
    slot -= half;
  }
  InsertSlot(chunks_[c], slot, e, tag);
  if (slot == 0) SetFirst(c);
}

bool OrderedIndex::Erase(const Entry* e, uint64_t hash) {
  if (chunks_.empty()) return false;
  const size_t c = ChunkFor(e->key());
  const size_t slot = FindSlot(c, e->key(), Tag(hash));
  if (slot == chunks_[c].ptrs.size() || chunks_[c].ptrs[slot] != e) return false;
  EraseAt(c, slot);
  return true;
}

void OrderedIndex::EraseAt(size_t c, size_t slot) {
  --size_;
  Chunk& chunk = chunks_[c];
  EraseSlot(chunk, slot);
  const size_t n = chunk.ptrs.size();
  if (n == 0) {
    EraseChunk(c);
    return;
  }
  if (slot == 0) SetFirst(c);
  if (n >= chunk_capacity_ / 4) return;
  const size_t merge_limit = chunk_capacity_ * 3 / 4;
  const bool left_fits = c > 0 && chunks_[c - 1].ptrs.size() + n <= merge_limit;
  const bool right_fits = c + 1 < chunks_.size() && chunks_[c + 1].ptrs.size() + n <= merge_limit;
  if (!left_fits && !right_fits) return;
  // Merge into the left one of the pair (the smaller neighbour when both fit).
  size_t left = c - 1;
  if (!left_fits || (right_fits && chunks_[c + 1].ptrs.size() < chunks_[c - 1].ptrs.size())) {
    left = c;
  }
  AppendSlots(chunks_[left], chunks_[left + 1]);
  EraseChunk(left + 1);
}

size_t OrderedIndex::EraseIf(const std::function<bool(const Entry*)>& pred) {
  size_t removed = 0;
  for (Chunk& chunk : chunks_) {
    size_t kept = 0;
    for (size_t i = 0; i < chunk.ptrs.size(); ++i) {
      if (pred(chunk.ptrs[i])) continue;
      chunk.ptrs[kept] = chunk.ptrs[i];
      chunk.tags[kept] = chunk.tags[i];
      ++kept;
    }
    removed += chunk.ptrs.size() - kept;
    chunk.ptrs.resize(kept);
  }
  size_ -= removed;
  const size_t quarter = chunk_capacity_ / 4;
  const size_t merge_limit = chunk_capacity_ * 3 / 4;
  std::vector<Chunk> kept;
  for (Chunk& chunk : chunks_) {
    if (chunk.ptrs.empty()) continue;
    if (!kept.empty() && (kept.back().ptrs.size() < quarter || chunk.ptrs.size() < quarter) &&
        kept.back().ptrs.size() + chunk.ptrs.size() <= merge_limit) {
      AppendSlots(kept.back(), chunk);
    } else {
      chunk.first = chunk.ptrs[0]->key();
      kept.push_back(std::move(chunk));
    }
  }
  chunks_ = std::move(kept);
  prefixes_.clear();
  ptr_data_.clear();
  for (const Chunk& chunk : chunks_) {
    prefixes_.push_back(KeyPrefix(chunk.first));
    ptr_data_.push_back(chunk.ptrs.data());
  }
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
  if (prefixes_.size() != chunks_.size() || ptr_data_.size() != chunks_.size()) return false;
  size_t count = 0;
  const Entry* prev = nullptr;
  for (size_t c = 0; c < chunks_.size(); ++c) {
    const Chunk& chunk = chunks_[c];
    if (chunk.ptrs.empty() || chunk.ptrs.size() > chunk_capacity_) return false;
    if (chunk.first != chunk.ptrs[0]->key() || prefixes_[c] != KeyPrefix(chunk.first) ||
        ptr_data_[c] != chunk.ptrs.data()) {
      return false;
    }
    for (size_t i = 0; i < chunk.ptrs.size(); ++i) {
      const Entry* e = chunk.ptrs[i];
      if (prev != nullptr && !(prev->key() < e->key())) return false;
      if (chunk.tags[i] != Tag(KeyHash(e->key()))) return false;
      prev = e;
      ++count;
    }
  }
  return count == size_;
}

}  // namespace repram::store
