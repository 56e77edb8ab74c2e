#include "cluster/dedup_cache.h"

#include <algorithm>
#include <vector>

namespace repram::cluster {

DedupCache::DedupCache(Duration ttl, size_t capacity) : ttl_(ttl), capacity_(capacity) {}

bool DedupCache::MarkFirstSeen(std::string_view id, MonoTime now) {
  auto it = entries_.find(std::string(id));
  if (it != entries_.end()) {
    if (it->second > now) return false;
    it->second = now + ttl_;
    return true;
  }
  if (entries_.size() >= capacity_) MakeRoom(now);
  entries_.emplace(std::string(id), now + ttl_);
  return true;
}

bool DedupCache::Contains(std::string_view id, MonoTime now) const {
  auto it = entries_.find(std::string(id));
  return it != entries_.end() && it->second > now;
}

void DedupCache::PurgeExpired(MonoTime now) {
  std::erase_if(entries_, [now](const auto& entry) { return entry.second <= now; });
}

void DedupCache::MakeRoom(MonoTime now) {
  PurgeExpired(now);
  if (entries_.size() < capacity_) return;
  std::vector<MonoTime> expiries;
  expiries.reserve(entries_.size());
  for (const auto& entry : entries_) expiries.push_back(entry.second);
  const size_t drop = std::max<size_t>(entries_.size() / 2, 1);
  std::nth_element(expiries.begin(), expiries.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                   expiries.end());
  const MonoTime cutoff = expiries[drop - 1];
  // Drop exactly `drop` entries: everything older than the cutoff, then ties at the cutoff.
  size_t at_cutoff =
      drop - static_cast<size_t>(std::count_if(expiries.begin(), expiries.end(),
                                               [cutoff](MonoTime t) { return t < cutoff; }));
  std::erase_if(entries_, [&](const auto& entry) {
    if (entry.second < cutoff) return true;
    if (entry.second == cutoff && at_cutoff > 0) {
      --at_cutoff;
      return true;
    }
    return false;
  });
}

}  // namespace repram::cluster
