#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/clock.h"

namespace repram {

// Formats t as RFC 3339 UTC with exactly three fractional digits: 2026-03-01T12:00:00.123Z.
std::string FormatRfc3339Millis(WallTime t);

// Formats Unix seconds as RFC 3339 UTC without fraction: 2030-03-17T17:46:40Z. Values outside the
// years 0000-9999 are printed as plain decimal seconds.
std::string FormatRfc3339Seconds(int64_t unix_seconds);

// Parses an RFC 3339 date-time as sent in X-Created-At by C++/TS nodes (2026-11-27T23:43:54.492Z)
// and Go nodes (2026-11-27T23:56:12Z, or with a numeric offset such as +02:00). 'T' and 'Z' may
// be lower case; any number of fractional digits is accepted (kept to nanoseconds). Returns the
// instant, or nullopt when s is not such a date-time. Hand-written: g++ 12 lacks
// std::chrono::parse and no project library parses RFC 3339.
std::optional<WallTime> ParseRfc3339(std::string_view s);

}  // namespace repram
