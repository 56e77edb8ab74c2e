#pragma once

#include <cstddef>
#include <vector>

#include "util/rng.h"

namespace repram::cluster {

// Returns the confirmations a write needs (D20): floor(min(enclave_peers + 1, replication) / 2)
// + 1, counting the local store. REQUIRES: replication >= 1.
int QuorumSize(size_t enclave_peers, int replication);

// Returns ceil(sqrt(n)), the random fanout size (cluster.md §9.2), computed exactly in integers.
size_t FanoutSize(size_t n);

// Returns k distinct indices of [0, n) chosen uniformly at random (all of them when k >= n), in
// the order drawn.
std::vector<size_t> SampleIndices(size_t n, size_t k, Rng& rng);

}  // namespace repram::cluster
