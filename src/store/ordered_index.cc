#include "store/ordered_index.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <utility>

namespace repram::store {
namespace {

ptrdiff_t Off(size_t i) { return static_cast<ptrdiff_t>(i); }

// Compares e's key with key; first starts loading the entry's first three cache lines (header,
// key and, for small entries, the value the caller usually reads next) in parallel.
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
  return chunk_capacity_ * (sizeof(Entry*) + sizeof(uint16_t)) + 2 * 16 + sizeof(Chunk);
}

OrderedIndex::Chunk OrderedIndex::NewChunk() const {
  Chunk chunk;
  chunk.ptrs.reserve(chunk_capacity_);
  chunk.tags.reserve(chunk_capacity_);
  return chunk;
}

void OrderedIndex::Append(Chunk& dst, const Chunk& src) {
  dst.ptrs.insert(dst.ptrs.end(), src.ptrs.begin(), src.ptrs.end());
  dst.tags.insert(dst.tags.end(), src.tags.begin(), src.tags.end());
}

size_t OrderedIndex::ChunkFor(std::string_view key) const {
  // The last chunk whose first key is <= key; chunk 0 for keys before everything.
  auto it = std::upper_bound(chunks_.begin() + 1, chunks_.end(), key,
                             [](std::string_view k, const Chunk& c) { return k < c.first; });
  return static_cast<size_t>(std::distance(chunks_.begin(), it)) - 1;
}

size_t OrderedIndex::SlotIn(size_t c, std::string_view key) const {
  const std::vector<Entry*>& ptrs = chunks_[c].ptrs;
  auto it = std::lower_bound(ptrs.begin(), ptrs.end(), key,
                             [](const Entry* e, std::string_view k) { return e->key() < k; });
  return static_cast<size_t>(std::distance(ptrs.begin(), it));
}

size_t OrderedIndex::FindSlot(size_t c, std::string_view key, uint16_t tag) const {
  // Hand-written SWAR scan (no portable SIMD in the allowed libraries): four 16-bit tags per
  // 64-bit word; a lane is a candidate when (word ^ pattern) has a zero there.
  const std::vector<uint16_t>& tags = chunks_[c].tags;
  const std::vector<Entry*>& ptrs = chunks_[c].ptrs;
  const size_t n = tags.size();
  // The pointer lines load in parallel with the tag scan instead of after it.
  for (size_t p = 0; p < n; p += 64 / sizeof(Entry*)) __builtin_prefetch(ptrs.data() + p);
  constexpr uint64_t kLow = 0x0001000100010001ULL;
  constexpr uint64_t kHigh = 0x8000800080008000ULL;
  const uint64_t pattern = kLow * tag;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint64_t word;
    std::memcpy(&word, tags.data() + i, sizeof word);
    const uint64_t x = word ^ pattern;
    if (((x - kLow) & ~x & kHigh) == 0) continue;
    for (size_t j = i; j < i + 4; ++j) {
      if (tags[j] == tag && Matches(ptrs[j], key)) return j;
    }
  }
  for (; i < n; ++i) {
    if (tags[i] == tag && Matches(ptrs[i], key)) return i;
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
  const uint16_t tag = Tag(hash);
  if (chunks_.empty()) {
    chunks_.push_back(NewChunk());
    chunks_[0].first = e->key();
    chunks_[0].ptrs.push_back(e);
    chunks_[0].tags.push_back(tag);
    size_ = 1;
    return nullptr;
  }
  const size_t c = ChunkFor(e->key());
  const size_t found = FindSlot(c, e->key(), tag);
  if (found < chunks_[c].ptrs.size()) return std::exchange(chunks_[c].ptrs[found], e);
  InsertAt(c, SlotIn(c, e->key()), e, tag);
  return nullptr;
}

void OrderedIndex::InsertAt(size_t c, size_t slot, Entry* e, uint16_t tag) {
  ++size_;
  if (chunks_[c].ptrs.size() < chunk_capacity_) {
    chunks_[c].ptrs.insert(chunks_[c].ptrs.begin() + Off(slot), e);
    chunks_[c].tags.insert(chunks_[c].tags.begin() + Off(slot), tag);
    if (slot == 0) chunks_[c].first = e->key();
    return;
  }
  const bool append_at_end = c + 1 == chunks_.size() && slot == chunks_[c].ptrs.size();
  const bool prepend_at_start = c == 0 && slot == 0;
  if (append_at_end || prepend_at_start) {
    Chunk fresh = NewChunk();
    fresh.first = e->key();
    fresh.ptrs.push_back(e);
    fresh.tags.push_back(tag);
    chunks_.insert(chunks_.begin() + Off(append_at_end ? c + 1 : 0), std::move(fresh));
    return;
  }
  const size_t half = chunk_capacity_ / 2;
  Chunk right = NewChunk();
  Chunk& left = chunks_[c];
  right.ptrs.assign(left.ptrs.begin() + Off(half), left.ptrs.end());
  right.tags.assign(left.tags.begin() + Off(half), left.tags.end());
  right.first = right.ptrs[0]->key();
  left.ptrs.resize(half);
  left.tags.resize(half);
  chunks_.insert(chunks_.begin() + Off(c + 1), std::move(right));
  if (slot > half) {
    ++c;
    slot -= half;
  }
  chunks_[c].ptrs.insert(chunks_[c].ptrs.begin() + Off(slot), e);
  chunks_[c].tags.insert(chunks_[c].tags.begin() + Off(slot), tag);
  if (slot == 0) chunks_[c].first = e->key();
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
  chunks_[c].ptrs.erase(chunks_[c].ptrs.begin() + Off(slot));
  chunks_[c].tags.erase(chunks_[c].tags.begin() + Off(slot));
  const size_t n = chunks_[c].ptrs.size();
  if (n == 0) {
    chunks_.erase(chunks_.begin() + Off(c));
    return;
  }
  if (slot == 0) chunks_[c].first = chunks_[c].ptrs[0]->key();
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
  Append(chunks_[left], chunks_[left + 1]);
  chunks_.erase(chunks_.begin() + Off(left + 1));
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
    chunk.tags.resize(kept);
    if (kept > 0) chunk.first = chunk.ptrs[0]->key();
  }
  size_ -= removed;
  const size_t quarter = chunk_capacity_ / 4;
  const size_t merge_limit = chunk_capacity_ * 3 / 4;
  std::vector<Chunk> kept;
  for (Chunk& chunk : chunks_) {
    if (chunk.ptrs.empty()) continue;
    if (!kept.empty() && (kept.back().ptrs.size() < quarter || chunk.ptrs.size() < quarter) &&
        kept.back().ptrs.size() + chunk.ptrs.size() <= merge_limit) {
      Append(kept.back(), chunk);
    } else {
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
    if (chunk.ptrs.empty() || chunk.ptrs.size() > chunk_capacity_ ||
        chunk.tags.size() != chunk.ptrs.size() || chunk.first != chunk.ptrs[0]->key()) {
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
