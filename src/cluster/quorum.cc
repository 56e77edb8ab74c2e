#include "cluster/quorum.h"

#include <algorithm>
#include <numeric>

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
