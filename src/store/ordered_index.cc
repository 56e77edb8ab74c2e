#include "store/ordered_index.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace repram::store {

OrderedIndex::Iterator::Iterator(const OrderedIndex* index, size_t chunk, size_t slot)
    : index_(index), chunk_(chunk), slot_(slot) {
  if (Valid() && slot_ == index_->chunks_[chunk_].size()) {
    ++chunk_;
    slot_ = 0;
  }
}

void OrderedIndex::Iterator::Next() {
  if (++slot_ == index_->chunks_[chunk_].size()) {
    ++chunk_;
    slot_ = 0;
  }
}

OrderedIndex::OrderedIndex(size_t chunk_capacity) : chunk_capacity_(chunk_capacity) {}

OrderedIndex::Chunk OrderedIndex::NewChunk() const {
  Chunk chunk;
  chunk.reserve(chunk_capacity_);
  return chunk;
}

size_t OrderedIndex::ChunkFor(std::string_view key) const {
  // The last chunk whose first key is <= key; chunk 0 for keys before everything.
  auto it = std::upper_bound(chunks_.begin() + 1, chunks_.end(), key,
                             [](std::string_view k, const Chunk& c) { return k < c[0]->key(); });
  return static_cast<size_t>(std::distance(chunks_.begin(), it)) - 1;
}

size_t OrderedIndex::SlotIn(size_t c, std::string_view key) const {
  const Chunk& chunk = chunks_[c];
  auto it = std::lower_bound(chunk.begin(), chunk.end(), key,
                             [](const Entry* e, std::string_view k) { return e->key() < k; });
  return static_cast<size_t>(std::distance(chunk.begin(), it));
}

Entry* OrderedIndex::Find(std::string_view key) const {
  if (chunks_.empty()) return nullptr;
  const size_t c = ChunkFor(key);
  const size_t slot = SlotIn(c, key);
  if (slot == chunks_[c].size() || chunks_[c][slot]->key() != key) return nullptr;
  return chunks_[c][slot];
}

Entry* OrderedIndex::Upsert(Entry* e) {
  if (chunks_.empty()) {
    chunks_.push_back(NewChunk());
    chunks_[0].push_back(e);
    size_ = 1;
    return nullptr;
  }
  const size_t c = ChunkFor(e->key());
  const size_t slot = SlotIn(c, e->key());
  if (slot < chunks_[c].size() && chunks_[c][slot]->key() == e->key()) {
    return std::exchange(chunks_[c][slot], e);
  }
  InsertAt(c, slot, e);
  return nullptr;
}

void OrderedIndex::InsertAt(size_t c, size_t slot, Entry* e) {
  ++size_;
  if (chunks_[c].size() < chunk_capacity_) {
    chunks_[c].insert(chunks_[c].begin() + static_cast<ptrdiff_t>(slot), e);
    return;
  }
  const bool append_at_end = c + 1 == chunks_.size() && slot == chunks_[c].size();
  const bool prepend_at_start = c == 0 && slot == 0;
  if (append_at_end || prepend_at_start) {
    Chunk fresh = NewChunk();
    fresh.push_back(e);
    chunks_.insert(chunks_.begin() + static_cast<ptrdiff_t>(append_at_end ? c + 1 : 0),
                   std::move(fresh));
    return;
  }
  const size_t half = chunk_capacity_ / 2;
  Chunk right = NewChunk();
  right.assign(chunks_[c].begin() + static_cast<ptrdiff_t>(half), chunks_[c].end());
  chunks_[c].resize(half);
  chunks_.insert(chunks_.begin() + static_cast<ptrdiff_t>(c + 1), std::move(right));
  if (slot > half) {
    ++c;
    slot -= half;
  }
  chunks_[c].insert(chunks_[c].begin() + static_cast<ptrdiff_t>(slot), e);
}

bool OrderedIndex::Erase(const Entry* e) {
  if (chunks_.empty()) return false;
  const size_t c = ChunkFor(e->key());
  const size_t slot = SlotIn(c, e->key());
  if (slot == chunks_[c].size() || chunks_[c][slot] != e) return false;
  EraseAt(c, slot);
  return true;
}

void OrderedIndex::EraseAt(size_t c, size_t slot) {
  --size_;
  chunks_[c].erase(chunks_[c].begin() + static_cast<ptrdiff_t>(slot));
  const size_t n = chunks_[c].size();
  if (n == 0) {
    chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(c));
    return;
  }
  if (n >= chunk_capacity_ / 4) return;
  const size_t merge_limit = chunk_capacity_ * 3 / 4;
  const bool left_fits = c > 0 && chunks_[c - 1].size() + n <= merge_limit;
  const bool right_fits = c + 1 < chunks_.size() && chunks_[c + 1].size() + n <= merge_limit;
  if (!left_fits && !right_fits) return;
  // Merge into the left one of the pair (the smaller neighbour when both fit).
  size_t left = c - 1;
  if (!left_fits || (right_fits && chunks_[c + 1].size() < chunks_[c - 1].size())) left = c;
  Chunk& dst = chunks_[left];
  Chunk& src = chunks_[left + 1];
  dst.insert(dst.end(), src.begin(), src.end());
  chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(left + 1));
}

size_t OrderedIndex::EraseIf(const std::function<bool(const Entry*)>& pred) {
  size_t removed = 0;
  for (Chunk& chunk : chunks_) removed += std::erase_if(chunk, pred);
  size_ -= removed;
  const size_t quarter = chunk_capacity_ / 4;
  const size_t merge_limit = chunk_capacity_ * 3 / 4;
  std::vector<Chunk> kept;
  for (Chunk& chunk : chunks_) {
    if (chunk.empty()) continue;
    if (!kept.empty() && (kept.back().size() < quarter || chunk.size() < quarter) &&
        kept.back().size() + chunk.size() <= merge_limit) {
      kept.back().insert(kept.back().end(), chunk.begin(), chunk.end());
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
    if (chunk.empty() || chunk.size() > chunk_capacity_) return false;
    for (const Entry* e : chunk) {
      if (prev != nullptr && !(prev->key() < e->key())) return false;
      prev = e;
      ++count;
    }
  }
  return count == size_;
}

}  // namespace repram::store
