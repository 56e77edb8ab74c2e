#pragma once

#include <map>
#include <string>
#include <string_view>

#include "util/clock.h"

namespace repram::cluster {

// Allows at most one direct-SYNC answer per sender per interval (D24, cluster.md §5.5).
// Entries are dropped when the sender is evicted, so the map is bounded by the peer map.
// Not thread-safe: the owner (ClusterNode) serializes access.
class SyncLimiter {
 public:
  explicit SyncLimiter(Duration interval) : interval_(interval) {}

  // Returns true (and records now) when sender was not answered within the last interval.
  bool Allow(std::string_view sender, MonoTime now);

  // Forgets sender (after its eviction).
  void Forget(std::string_view sender);

 private:
  const Duration interval_;
  std::map<std::string, MonoTime, std::less<>> last_answer_;
};

}  // namespace repram::cluster
