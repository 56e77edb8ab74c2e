#include "store/digest.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <optional>

namespace repram::store {
namespace {

// Public and fixed: the hashes must agree across nodes, they protect nothing (HMAC does).
constexpr std::array<unsigned char, crypto_shorthash_KEYBYTES> kHashKey = {
    'r', 'e', 'p', 'r', 'a', 'm', '-', 'a', 'e', '-', 'd', 'i', 'g', 'e', 's', 't'};

uint64_t SipHash(std::string_view bytes) {
  std::array<unsigned char, crypto_shorthash_BYTES> out;
  crypto_shorthash(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                   kHashKey.data());
  uint64_t h = 0;
  for (size_t i = 0; i < out.size(); ++i) h |= uint64_t{out[i]} << (8 * i);  // little-endian
  return h;
}

// splitmix64 finaliser: a bijective 64-bit mixer.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Visits every live entry whose wall-clock expiry is at or after cutoff (EntryScanner: a few
// entries per shard lock hold); visit gets the entry and its expiry minus the cutoff in ms.
void ScanLive(const TtlStore& store, const Clock& clock, WallTime cutoff,
              const std::function<void(const ScannedEntry&, int64_t)>& visit) {
  const Duration horizon = cutoff - clock.WallNow();
  const MonoTime mono_cutoff = clock.Now() + horizon;
  EntryScanner scanner = store.Scan({}, std::max(horizon, Duration::zero()));
  while (const ScannedEntry* e = scanner.Next()) {
    // remaining was measured when the entry was read, moments ago: accurate to well under 1 ms.
    const MonoTime expires = clock.Now() + e->remaining;
    if (expires < mono_cutoff) continue;
    visit(*e, std::chrono::duration_cast<std::chrono::milliseconds>(expires - mono_cutoff).count());
  }
}

}  // namespace

uint64_t DigestKeyHash(std::string_view key) { return SipHash(key); }

uint64_t DigestValueHash(std::string_view value) { return Mix(SipHash(value) + 1); }

uint64_t DigestEntryHash(uint64_t key_hash, uint64_t value_hash) {
  return Mix(key_hash ^ Mix(value_hash));
}

std::vector<uint64_t> ComputeDigest(const TtlStore& store, const Clock& clock, uint32_t buckets,
                                    WallTime cutoff) {
  std::vector<uint64_t> digest(buckets, 0);
  ScanLive(store, clock, cutoff, [&](const ScannedEntry& e, int64_t) {
    const uint64_t key_hash = DigestKeyHash(e.key);
    digest[DigestBucket(key_hash, buckets)] += DigestEntryHash(key_hash, DigestValueHash(e.value));
  });
  return digest;
}

std::vector<EntrySummary> SummarizeBuckets(const TtlStore& store, const Clock& clock,
                                           const std::vector<bool>& selected, WallTime cutoff) {
  std::vector<EntrySummary> out;
  const auto buckets = static_cast<uint32_t>(selected.size());
  ScanLive(store, clock, cutoff, [&](const ScannedEntry& e, int64_t after_cutoff_ms) {
    const uint64_t key_hash = DigestKeyHash(e.key);
    if (!selected[DigestBucket(key_hash, buckets)]) return;
    out.push_back(EntrySummary{.key = e.key,
                               .key_hash = key_hash,
                               .value_hash = DigestValueHash(e.value),
                               .expires_after_cutoff_ms = after_cutoff_ms});
  });
  return out;
}

}  // namespace repram::store
