#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace repram::cluster {

// One peer-map entry, kept small: a node holds one per peer, and a simulated network holds
// N² of them (docs/scale.md). The enclave points at the table's interned name.
struct PeerEntry {
  std::string id;
  std::string address;
  const std::string* enclave = nullptr;  // PeerTable::Intern'ed; compare by pointer
  uint64_t pinged_round = 0;             // 0 = never pinged
  uint16_t gossip_port = 0;
  uint16_t http_port = 0;
  uint8_t failures = 0;
  bool ping_ok = false;
  bool pong = false;
};

// The peers of a Membership: a dense array (unsorted: erase moves the last entry into the gap)
// with an open-addressing index by id, so a look-up is one hash and a few probes, and an entry
// costs its PeerEntry plus ~5 bytes of index. Enclave names are interned with reference counts,
// so the table holds each distinct name once and forgets it with its last user.
// Not thread-safe.
class PeerTable {
 public:
  PeerTable() = default;
  PeerTable(const PeerTable&) = delete;
  PeerTable& operator=(const PeerTable&) = delete;

  // Returns the entry with this id, or null. Valid until the next Insert or Erase.
  PeerEntry* Find(std::string_view id);
  const PeerEntry* Find(std::string_view id) const;
  // Adds entry (its enclave must come from Intern, which this takes over) and returns it.
  // REQUIRES: no entry has this id.
  PeerEntry& Insert(PeerEntry entry);
  // Removes the entry with this id (and its enclave reference); false when absent.
  bool Erase(std::string_view id);

  // Returns the interned copy of name, counting one more user; Release drops one.
  const std::string* Intern(std::string_view name);
  void Release(const std::string* name);

  size_t size() const { return entries_.size(); }
  // The entries in table order (stable between Inserts and Erases).
  std::span<PeerEntry> entries() { return entries_; }
  std::span<const PeerEntry> entries() const { return entries_; }
  // Returns the positions of the entries for which keep(entry) holds, sorted by id.
  template <typename Keep>
  std::vector<uint32_t> SortedById(Keep keep) const {
    std::vector<uint32_t> order;
    for (uint32_t i = 0; i < entries_.size(); ++i) {
      if (keep(entries_[i])) order.push_back(i);
    }
    std::sort(order.begin(), order.end(),
              [this](uint32_t a, uint32_t b) { return entries_[a].id < entries_[b].id; });
    return order;
  }
  // Returns the positions of entries() sorted by id.
  std::vector<uint32_t> SortedById() const {
    return SortedById([](const PeerEntry&) { return true; });
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  // Returns the index slot holding id, or the empty slot where it would go.
  size_t Slot(std::string_view id) const;
  void Rehash(size_t capacity);

  std::vector<PeerEntry> entries_;
  std::vector<uint32_t> index_;  // positions in entries_, kEmpty; size a power of two
  std::map<std::string, size_t, std::less<>> enclaves_;  // name -> users
};

}  // namespace repram::cluster
