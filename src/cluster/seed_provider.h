#pragma once

#include <string>
#include <vector>

namespace repram::cluster {

// Supplies the seeds isolation recovery re-bootstraps from: the refresher's current verified
// omega `nodes` (public) or the REPRAM_PEERS startup snapshot (cluster.md §7.4).
// Thread-safe: called from scheduler threads.
class SeedProvider {
 public:
  virtual ~SeedProvider() = default;
  // Returns the current seeds as "host:http_port" strings. May throw; callers log and swallow.
  virtual std::vector<std::string> Seeds() = 0;
};

}  // namespace repram::cluster
