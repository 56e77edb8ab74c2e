#pragma once

#include <cstdint>

#include "util/clock.h"

namespace repram::trust {

// Returns t as whole Unix seconds, rounded towards negative infinity.
int64_t UnixSeconds(WallTime t);

}  // namespace repram::trust
