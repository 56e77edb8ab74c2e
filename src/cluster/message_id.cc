#include "cluster/message_id.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace repram::cluster {

std::string NewMessageId(std::string_view node_id, WallTime now) {
  static std::atomic<uint64_t> counter{0};
  const int64_t nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  return fmt::format("{}-{}-{}", node_id, nanos, counter.fetch_add(1) + 1);
}

}  // namespace repram::cluster
