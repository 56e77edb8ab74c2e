#include "store/expiry_index.h"

namespace repram::store {
namespace {

// Floor division, so bucket numbers stay correct for times before the clock epoch.
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

void ExpiryIndex::Add(Entry* e, int64_t now_ns) {
  const int64_t delta = e->expires_ns() - now_ns;
  int level = 0;
  while (level + 1 < kLevels && delta >= BucketWidth(level + 1)) ++level;
  auto [it, inserted] = levels_[level].try_emplace(FloorDiv(e->expires_ns(), BucketWidth(level)));
  if (inserted) ++bucket_count_;
  it->second.push_back(*e);
}

void ExpiryIndex::Erase(int level, Buckets::iterator it) {
  it->second.clear();
  levels_[level].erase(it);
  --bucket_count_;
}

void ExpiryIndex::TakeExpired(int64_t now_ns, EntryList& out) {
  // Cascade: a coarse bucket whose start has passed holds entries expiring within one of its
  // widths, which the lower levels cover. Going top-down lets an entry fall several levels.
  for (int level = kLevels - 1; level > 0; --level) {
    Buckets& buckets = levels_[level];
    const int64_t width = BucketWidth(level);
    while (!buckets.empty() && buckets.begin()->first * width <= now_ns) {
      EntryList& list = buckets.begin()->second;
      if (buckets.begin()->first * width + width <= now_ns) {  // wholly expired: no cascade
        out.splice(out.end(), list);
      }
      while (!list.empty()) {
        Entry& e = list.front();
        list.pop_front();
        Add(&e, now_ns);
      }
      Erase(level, buckets.begin());
    }
  }
  Buckets& buckets = levels_[0];
  while (!buckets.empty()) {
    auto it = buckets.begin();
    const int64_t start = it->first * kLevel0BucketNs;
    if (start > now_ns) break;
    EntryList& list = it->second;
    if (start + kLevel0BucketNs <= now_ns) {  // the whole bucket has expired
      out.splice(out.end(), list);
      Erase(0, it);
      continue;
    }
    for (auto e = list.begin(); e != list.end();) {  // the current bucket: only part has expired
      if (e->ExpiredAt(now_ns)) {
        Entry& entry = *e;
        e = list.erase(e);
        out.push_back(entry);
      } else {
        ++e;
      }
    }
    break;
  }
}

}  // namespace repram::store
