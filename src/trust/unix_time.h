#pragma once

#include <cstdint>
#include <string>

#include "util/clock.h"

namespace repram::trust {

// Returns t as whole Unix seconds, rounded towards negative infinity.
int64_t UnixSeconds(WallTime t);

// Formats Unix seconds as RFC 3339 UTC without fraction: 2030-03-17T17:46:40Z. Values outside the
// range the C library can render are printed as plain decimal seconds.
std::string FormatUnixUtc(int64_t unix_seconds);

}  // namespace repram::trust
