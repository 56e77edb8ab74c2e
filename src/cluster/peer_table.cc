#include "cluster/peer_table.h"

#include <algorithm>
#include <functional>
#include <utility>

namespace repram::cluster {
namespace {

size_t HashOf(std::string_view id) { return std::hash<std::string_view>{}(id); }

}  // namespace

size_t PeerTable::Slot(std::string_view id) const {
  const size_t mask = index_.size() - 1;
  for (size_t s = HashOf(id) & mask;; s = (s + 1) & mask) {
    if (index_[s] == kEmpty || entries_[index_[s]].id == id) return s;
  }
}

PeerEntry* PeerTable::Find(std::string_view id) {
  return const_cast<PeerEntry*>(std::as_const(*this).Find(id));
}

const PeerEntry* PeerTable::Find(std::string_view id) const {
  if (entries_.empty()) return nullptr;
  const uint32_t pos = index_[Slot(id)];
  return pos == kEmpty ? nullptr : &entries_[pos];
}

PeerEntry& PeerTable::Insert(PeerEntry entry) {
  // Load factor at most 3/4; the array grows by an eighth, so little of it stays unused.
  if ((entries_.size() + 1) * 4 > index_.size() * 3)
    Rehash(std::max<size_t>(16, index_.size() * 2));
  if (entries_.size() == entries_.capacity()) {
    entries_.reserve(entries_.size() + entries_.size() / 8 + 8);
  }
  const size_t slot = Slot(entry.id);
  index_[slot] = static_cast<uint32_t>(entries_.size());
  entries_.push_back(std::move(entry));
  return entries_.back();
}

bool PeerTable::Erase(std::string_view id) {
  if (entries_.empty()) return false;
  size_t hole = Slot(id);
  const uint32_t pos = index_[hole];
  if (pos == kEmpty) return false;
  // Backward-shift deletion: pull later entries of the probe run into the hole when their home
  // slot does not lie between the hole and where they sit.
  const size_t mask = index_.size() - 1;
  for (size_t j = (hole + 1) & mask; index_[j] != kEmpty; j = (j + 1) & mask) {
    const size_t home = HashOf(entries_[index_[j]].id) & mask;
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!stays) {
      index_[hole] = index_[j];
      hole = j;
    }
  }
  index_[hole] = kEmpty;
  Release(entries_[pos].enclave);
  const auto last = static_cast<uint32_t>(entries_.size() - 1);
  if (pos != last) {
    index_[Slot(entries_[last].id)] = pos;
    entries_[pos] = std::move(entries_[last]);
  }
  entries_.pop_back();
  return true;
}

void PeerTable::Rehash(size_t capacity) {
  index_.assign(capacity, kEmpty);
  for (size_t i = 0; i < entries_.size(); ++i)
    index_[Slot(entries_[i].id)] = static_cast<uint32_t>(i);
}

const std::string* PeerTable::Intern(std::string_view name) {
  auto it = enclaves_.find(name);
  if (it == enclaves_.end()) it = enclaves_.emplace(std::string(name), 0).first;
  ++it->second;
  return &it->first;
}

void PeerTable::Release(const std::string* name) {
  if (name == nullptr) return;
  auto it = enclaves_.find(*name);
  if (it != enclaves_.end() && --it->second == 0) enclaves_.erase(it);
}

}  // namespace repram::cluster
