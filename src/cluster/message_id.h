#pragma once

#include <string>
#include <string_view>

#include "util/clock.h"

namespace repram::cluster {

// Returns a new message id `<node_id>-<unix nanoseconds>-<counter>` (cluster.md §3.3). The
// counter is process-wide and atomic, so ids are unique within one nanosecond and across nodes.
// Thread-safe.
std::string NewMessageId(std::string_view node_id, WallTime now);

}  // namespace repram::cluster
