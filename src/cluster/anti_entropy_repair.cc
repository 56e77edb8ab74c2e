#include "cluster/anti_entropy_repair.h"

#include <algorithm>
#include <unordered_map>

namespace repram::cluster {

Comparison CompareBuckets(const std::vector<store::EntrySummary>& mine,
                          const std::vector<SummaryRecord>& theirs) {
  std::unordered_map<uint64_t, const SummaryRecord*> by_key;
  by_key.reserve(theirs.size());
  for (const SummaryRecord& r : theirs) by_key.emplace(r.key_hash, &r);
  Comparison out;
  for (const store::EntrySummary& e : mine) {
    auto it = by_key.find(e.key_hash);
    if (it == by_key.end()) {
      out.send.push_back(e.key);
      continue;
    }
    const SummaryRecord& r = *it->second;
    by_key.erase(it);
    if (r.value_hash == e.value_hash) continue;
    const bool mine_wins = e.expires_after_cutoff_ms != r.expires_after_cutoff_ms
                               ? e.expires_after_cutoff_ms > r.expires_after_cutoff_ms
                               : e.value_hash > r.value_hash;
    if (mine_wins) {
      out.send.push_back(e.key);
    } else {
      out.want.push_back(r.key_hash);
    }
  }
  for (const auto& [key_hash, record] : by_key) out.want.push_back(key_hash);
  return out;
}

std::optional<TransferEntry> ReadTransfer(const TtlStore& store, const Clock& clock,
                                          std::string_view key) {
  std::optional<StoredEntry> e = store.Get(key);
  if (!e) return std::nullopt;
  const auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(e->expires_at - clock.Now());
  if (remaining < kAntiEntropyHorizon) return std::nullopt;
  return TransferEntry{.key = std::string(key),
                       .data = std::move(e->value),
                       .remaining_ms = remaining.count(),
                       .original_ttl = e->ttl_seconds};
}

uint64_t ApplyTransfers(TtlStore& store, const std::vector<TransferEntry>& entries, bool* full) {
  uint64_t stored = 0;
  *full = false;
  for (const TransferEntry& e : entries) {
    // Same value = equal whatever the expiries: the local copy keeps its own lifetime.
    if (std::optional<StoredEntry> local = store.Get(e.key); local && local->value == e.data) {
      continue;
    }
    // A remaining lifetime longer than the original TTL is impossible; clamp a confused peer's.
    const Duration remaining = std::min<Duration>(std::chrono::milliseconds(e.remaining_ms),
                                                  std::chrono::seconds(e.original_ttl));
    Result<bool> put = store.PutUnlessNewer(e.key, e.data, e.original_ttl, remaining);
    if (put.ok()) {
      stored += *put ? 1 : 0;
    } else if (put.status().code() == StatusCode::kFull) {
      *full = true;
      break;
    }
  }
  return stored;
}

}  // namespace repram::cluster
