#include "trust/unix_time.h"

#include <chrono>

namespace repram::trust {

int64_t UnixSeconds(WallTime t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace repram::trust
