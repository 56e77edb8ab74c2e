#include "http/fd_limit.h"

#include <sys/resource.h>

namespace repram::http {

uint64_t RaiseFdLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
  constexpr rlim_t kUnlimitedAs = 1 << 20;
  const rlim_t target = lim.rlim_max == RLIM_INFINITY ? kUnlimitedAs : lim.rlim_max;
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < target) {
    rlimit raised = lim;
    raised.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur == RLIM_INFINITY ? kUnlimitedAs : lim.rlim_cur;
}

size_t DefaultMaxConnections(uint64_t fd_limit) {
  constexpr uint64_t kReserved = 1024;
  const uint64_t n = fd_limit > 2 * kReserved ? fd_limit - kReserved : fd_limit / 2;
  return static_cast<size_t>(n > 0 ? n : 1);
}

}  // namespace repram::http
