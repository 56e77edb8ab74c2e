#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/ttl_store.h"
#include "util/clock.h"

namespace repram::store {

// The hashes and scans anti-entropy compares (docs/anti-entropy.md). Every hash is SipHash-2-4
// (libsodium crypto_shorthash) under a fixed public key, so every node computes the same values.

// Returns the 64-bit hash of a key; it also picks the key's bucket.
uint64_t DigestKeyHash(std::string_view key);
// Returns the 64-bit hash of a value: two copies with equal hashes hold the same value.
uint64_t DigestValueHash(std::string_view value);
// Returns an entry's contribution to its bucket: a mix of its key and value hashes (never of
// its expiry, which differs by milliseconds between replicas).
uint64_t DigestEntryHash(uint64_t key_hash, uint64_t value_hash);
// Returns the bucket of a key hash among `buckets` (>= 1).
inline uint32_t DigestBucket(uint64_t key_hash, uint32_t buckets) {
  return static_cast<uint32_t>(key_hash % buckets);
}

// Returns, per bucket, the wrapping sum of DigestEntryHash over the live entries whose wall-clock
// expiry is at or after cutoff (entries about to expire are left out so both sides agree).
// Reads the store through EntryScanner (brief shard read locks). REQUIRES: buckets >= 1.
std::vector<uint64_t> ComputeDigest(const TtlStore& store, const Clock& clock, uint32_t buckets,
                                    WallTime cutoff);

// One live entry of a differing bucket, as the comparison needs it.
struct EntrySummary {
  std::string key;
  uint64_t key_hash = 0;
  uint64_t value_hash = 0;
  int64_t expires_after_cutoff_ms = 0;  // wall-clock expiry minus the cutoff, >= 0
};

// Returns the summaries of the live entries (expiry at or after cutoff) whose bucket is marked
// in `selected` (size = bucket count), in no particular order.
std::vector<EntrySummary> SummarizeBuckets(const TtlStore& store, const Clock& clock,
                                           const std::vector<bool>& selected, WallTime cutoff);

}  // namespace repram::store
