#include "cluster/quorum.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace repram::cluster {

int QuorumSize(size_t enclave_peers, int replication) {
  const size_t members = std::min(enclave_peers + 1, static_cast<size_t>(replication));
  return static_cast<int>(members / 2) + 1;
}

size_t FanoutSize(size_t n) {
  size_t k = 0;
  while (k * k < n) ++k;
  return k;
}

std::vector<size_t> SampleIndices(size_t n, size_t k, Rng& rng) {
  k = std::min(k, n);
  if (k * 8 < n) {
    // The same partial Fisher-Yates over a virtual pool: only the slots it touched are stored
    // (at most 2k), so a √N sample of a large enclave costs O(k²), not O(n).
    std::vector<std::pair<size_t, size_t>> moved;  // slot -> value, where it is not the slot
    const auto at = [&moved](size_t slot) -> size_t& {
      for (auto& [s, v] : moved) {
        if (s == slot) return v;
      }
      return moved.emplace_back(slot, slot).second;
    };
    std::vector<size_t> out;
    out.reserve(k);
    moved.reserve(2 * k);
    for (size_t i = 0; i < k; ++i) {
      const size_t j = i + rng.Below(n - i);
      const size_t drawn = at(j);
      at(j) = at(i);
      out.push_back(drawn);
    }
    return out;
  }
  std::vector<size_t> pool(n);
  std::iota(pool.begin(), pool.end(), 0);
  k = std::min(k, n);
  // Partial Fisher-Yates: the first k slots end up a uniform random k-subset.
  for (size_t i = 0; i < k; ++i) {
    std::swap(pool[i], pool[i + rng.Below(n - i)]);
  }
  pool.resize(k);
  return pool;
}

}  // namespace repram::cluster
