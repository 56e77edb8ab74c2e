// Measures what the store costs in resident memory and time, by reading /proc/self/statm:
//   1. RSS growth for 1,000,000 entries ("key-0000001", 100-byte values) minus key+value bytes,
//      per entry (target <= 64 bytes);
//   2. median List(limit=100) latency at 1,000,000 keys from 100 random cursors (< 2 ms);
//   3. 100 MB of 1 s-TTL entries: how long one ReclaimExpired takes after expiry (< 1 s with
//      the node's 250 ms period) and the RSS after it, before and after malloc_trim(0) (glibc
//      keeps freed small chunks in its arenas until trimmed).
// Usage: store_memory [entries=1000000] [reclaim_value_bytes=1000] [random]
// ("random" inserts the keys in a pseudo-random order instead of ascending: chunks fill less.)
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "store/ttl_store.h"
#include "util/fake_clock.h"

namespace repram {
namespace {

using SteadyClock = std::chrono::steady_clock;

uint64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size_pages = 0;
  uint64_t resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

double Mib(uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

double MillisSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

void FormatKey(char (&buf)[32], uint64_t i) {
  std::snprintf(buf, sizeof buf, "key-%07llu", static_cast<unsigned long long>(i));
}

int Run(uint64_t entries, uint64_t reclaim_value_bytes, bool random_order) {
  FakeClock clock;
  const std::string value(100, 'v');
  char key[32];

  // 1. Memory per entry.
  auto store = std::make_unique<TtlStore>(clock, 0);
  malloc_trim(0);
  const uint64_t rss_before = RssBytes();
  uint64_t payload = 0;
  auto start = SteadyClock::now();
  // A multiplicative permutation of 1..entries (the multiplier is prime and does not divide the
  // count for the sizes used here) gives a random-looking order without a key table in memory.
  constexpr uint64_t kStride = 2'654'435'761ULL;
  for (uint64_t i = 1; i <= entries; ++i) {
    FormatKey(key, random_order ? (i * kStride) % entries + 1 : i);
    if (!store->Put(key, value, 3'600).ok()) return 1;
    payload += std::string_view(key).size() + value.size();
  }
  const double insert_ms = MillisSince(start);
  const uint64_t growth = RssBytes() - rss_before;
  std::printf("entries                 %llu (%s order, inserted in %.0f ms, %.0f ns/put)\n",
              static_cast<unsigned long long>(entries), random_order ? "random" : "ascending",
              insert_ms, insert_ms * 1e6 / entries);
  std::printf("RSS growth              %.1f MiB\n", Mib(growth));
  std::printf("key+value bytes         %.1f MiB\n", Mib(payload));
  std::printf(
      "overhead per entry      %.1f bytes (RSS)   %.1f bytes (overhead_bytes() estimate)\n",
      static_cast<double>(growth - payload) / entries,
      static_cast<double>(store->overhead_bytes() - (payload - store->payload_bytes())) / entries);

  // 2. List(limit=100) from random cursors.
  std::vector<double> list_us;
  uint64_t x = 0x2545F4914F6CDD1DULL;
  for (int i = 0; i < 100; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    FormatKey(key, x % entries);
    start = SteadyClock::now();
    KeyPage page = store->List("", key, 100);
    list_us.push_back(MillisSince(start) * 1000.0);
    if (page.keys.size() != 100 && x % entries + 100 < entries) return 1;
  }
  std::sort(list_us.begin(), list_us.end());
  std::printf("List(limit=100)         median %.1f us, max %.1f us (100 random cursors)\n",
              list_us[50], list_us.back());

  // Reclaim of the 1M small entries too.
  clock.Advance(std::chrono::hours(2));
  start = SteadyClock::now();
  const size_t freed_small = store->ReclaimExpired();
  std::printf("ReclaimExpired          %zu entries of 100 B in %.0f ms\n", freed_small,
              MillisSince(start));
  store.reset();
  malloc_trim(0);

  // 3. 100 MB of expiring data.
  store = std::make_unique<TtlStore>(clock, 0);
  const uint64_t rss_empty = RssBytes();
  const std::string big(reclaim_value_bytes, 'x');
  const uint64_t count = 100'000'000 / reclaim_value_bytes;
  for (uint64_t i = 0; i < count; ++i) {
    FormatKey(key, i);
    if (!store->Put(key, big, 1).ok()) return 1;
  }
  const uint64_t rss_full = RssBytes();
  clock.Advance(std::chrono::seconds(1));
  start = SteadyClock::now();
  const size_t freed = store->ReclaimExpired();
  const double reclaim_ms = MillisSince(start);
  const uint64_t rss_reclaimed = RssBytes();
  start = SteadyClock::now();
  malloc_trim(0);
  const double trim_ms = MillisSince(start);
  const uint64_t rss_trimmed = RssBytes();
  std::printf("100 MB expiring         %llu entries of %llu B, RSS +%.1f MiB\n",
              static_cast<unsigned long long>(count),
              static_cast<unsigned long long>(reclaim_value_bytes), Mib(rss_full - rss_empty));
  std::printf("ReclaimExpired          %zu entries in %.1f ms; entries left %llu\n", freed,
              reclaim_ms, static_cast<unsigned long long>(store->entry_count()));
  std::printf(
      "RSS above empty store   %.1f MiB after reclaim, %.1f MiB after malloc_trim(0) (%.1f ms)\n",
      Mib(rss_reclaimed > rss_empty ? rss_reclaimed - rss_empty : 0),
      Mib(rss_trimmed > rss_empty ? rss_trimmed - rss_empty : 0), trim_ms);
  return 0;
}

}  // namespace
}  // namespace repram

int main(int argc, char** argv) {
  const uint64_t entries = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const uint64_t value_bytes = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000;
  if (entries == 0 || value_bytes == 0) {
    std::fprintf(stderr, "usage: store_memory [entries>0] [reclaim_value_bytes>0]\n");
    return 2;
  }
  const bool random_order = argc > 3 && std::string_view(argv[3]) == "random";
  return repram::Run(entries, value_bytes, random_order);
}
