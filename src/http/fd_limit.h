#pragma once

#include <cstddef>
#include <cstdint>

namespace repram::http {

// Raises the soft RLIMIT_NOFILE to the hard limit (an unlimited hard limit counts as 1,048,576).
// Returns the soft limit in force afterwards (unchanged when raising fails).
uint64_t RaiseFdLimit();

// Returns the default REPRAM_MAX_CONNECTIONS for a descriptor limit: the limit minus 1,024
// descriptors kept for peers, files and DNS, or half of it when the limit is 2,048 or less.
size_t DefaultMaxConnections(uint64_t fd_limit);

}  // namespace repram::http
