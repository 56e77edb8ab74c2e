// Point and listing costs of TtlStore at 1,000,000 keys ("key-0000000" .. "key-0999999",
// 100-byte values). Run: store_bench [--benchmark_filter=...].
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "store/ttl_store.h"
#include "util/clock.h"

namespace repram {
namespace {

constexpr int kKeys = 1'000'000;
constexpr int64_t kTtlSeconds = 3'600;

std::string KeyFor(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "key-%07llu", static_cast<unsigned long long>(i));
  return buf;
}

// Returns the shared store holding kKeys entries, built on first use.
TtlStore& FilledStore() {
  static TtlStore* store = [] {
    auto* s = new TtlStore(SystemClock::Instance(), 0);
    const std::string value(100, 'v');
    for (int i = 0; i < kKeys; ++i) {
      if (!s->Put(KeyFor(i), value, kTtlSeconds).ok()) std::abort();
    }
    return s;
  }();
  return *store;
}

// Precomputed random keys so key formatting stays out of the measured loop.
const std::vector<std::string>& RandomKeys(bool present) {
  static const auto make = [](bool hit) {
    std::vector<std::string> keys;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 1 << 16; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      keys.push_back(hit ? KeyFor(x % kKeys) : KeyFor(x % kKeys) + "-miss");
    }
    return keys;
  };
  static const std::vector<std::string> hits = make(true);
  static const std::vector<std::string> misses = make(false);
  return present ? hits : misses;
}

void BM_PutOverwrite(benchmark::State& state) {
  TtlStore& store = FilledStore();
  const auto& keys = RandomKeys(true);
  const std::string value(100, 'w');
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.Put(keys[i++ & 0xFFFF], value, kTtlSeconds).ok());
  }
}
BENCHMARK(BM_PutOverwrite)->ThreadRange(1, 2);

void BM_PutNewKey(benchmark::State& state) {
  TtlStore& store = FilledStore();
  static int run = 0;  // a fresh key space per run, so repetitions insert rather than overwrite
  const std::string prefix = "new-" + std::to_string(run++) + "-";
  std::vector<std::string> keys;
  for (int64_t i = 0; i < state.max_iterations; ++i) {
    keys.push_back(prefix + std::to_string(i * 7919 % 10'000'019));
  }
  const std::string value(100, 'n');
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(store.Put(keys[i++], value, 1).ok());
}
BENCHMARK(BM_PutNewKey)->Iterations(200'000);

void BM_GetHit(benchmark::State& state) {
  TtlStore& store = FilledStore();
  const auto& keys = RandomKeys(true);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(store.Get(keys[i++ & 0xFFFF]));
}
BENCHMARK(BM_GetHit)->ThreadRange(1, 2);

void BM_GetMetaHit(benchmark::State& state) {
  TtlStore& store = FilledStore();
  const auto& keys = RandomKeys(true);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(store.GetMeta(keys[i++ & 0xFFFF]));
}
BENCHMARK(BM_GetMetaHit);

void BM_GetMiss(benchmark::State& state) {
  TtlStore& store = FilledStore();
  const auto& keys = RandomKeys(false);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(store.Get(keys[i++ & 0xFFFF]));
}
BENCHMARK(BM_GetMiss);

void BM_List100(benchmark::State& state) {
  TtlStore& store = FilledStore();
  const auto& cursors = RandomKeys(true);
  size_t i = 0;
  for (auto _ : state) {
    KeyPage page = store.List("", cursors[i++ & 0xFFFF], 100);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_List100)->Unit(benchmark::kMicrosecond);

void BM_List100WithPrefix(benchmark::State& state) {
  TtlStore& store = FilledStore();
  for (auto _ : state) {
    KeyPage page = store.List("key-05", "", 100);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_List100WithPrefix)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace repram

BENCHMARK_MAIN();
