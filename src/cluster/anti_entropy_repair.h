#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cluster/anti_entropy_codec.h"
#include "store/digest.h"
#include "store/ttl_store.h"
#include "util/clock.h"

namespace repram::cluster {

// Entries whose remaining lifetime is below this are left out of digests and transfers, so two
// nodes whose copies expire milliseconds apart agree on what is live.
inline constexpr Duration kAntiEntropyHorizon = std::chrono::seconds(5);
// Page size of entries in one diff answer or push body (under the 16 MiB peer body limit).
inline constexpr size_t kAntiEntropyPageBytes = 8 * 1024 * 1024;

// What the responder of a diff concluded for its copies of the compared buckets.
struct Comparison {
  std::vector<std::string> send;  // keys the requester lacks or holds with an older other value
  std::vector<uint64_t> want;     // key hashes of the requester's copies that win
};

// Compares the responder's entries with the requester's summary of the same buckets. Same
// value = equal whatever the expiries; different values: the later expiry wins (a tie goes to
// the larger value hash, so both sides agree).
Comparison CompareBuckets(const std::vector<store::EntrySummary>& mine,
                          const std::vector<SummaryRecord>& theirs);

// Returns the live entry under key as a copy in transit (remaining lifetime from now, original
// TTL), or nullopt when it is gone or expires within the horizon.
std::optional<TransferEntry> ReadTransfer(const TtlStore& store, const Clock& clock,
                                          std::string_view key);

// Stores transferred entries (expiry = now + remaining, never extending a lifetime; a local copy
// with the same value or a later expiry is kept). Stops at the first kFull. Returns how many
// were stored; *full is set when the capacity stopped it.
uint64_t ApplyTransfers(TtlStore& store, const std::vector<TransferEntry>& entries, bool* full);

}  // namespace repram::cluster
