#pragma once

#include <cstdint>
#include <string_view>

#include "util/status.h"

namespace repram::cluster {

// Where replicated PUTs are stored; the integrator adapts TtlStore to it.
// Thread-safe: called concurrently from handler threads, never under a cluster lock.
class ReplicaStore {
 public:
  virtual ~ReplicaStore() = default;
  // Stores a copy of value under key for ttl_seconds (>= 1, already clamped). Returns kFull when
  // the capacity would be exceeded; any other non-OK status is reported with its message.
  virtual Status Put(std::string_view key, std::string_view value, int64_t ttl_seconds) = 0;
};

}  // namespace repram::cluster
