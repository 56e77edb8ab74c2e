#pragma once

#include <optional>
#include <string_view>

#include "util/clock.h"

namespace repram::mcp {

// Parses an RFC 3339 date-time as sent in X-Created-At by C++/TS nodes (2026-11-27T23:43:54.492Z)
// and Go nodes (2026-11-27T23:56:12Z, or with a numeric offset such as +02:00). 'T' and 'Z' may
// be lower case; any number of fractional digits is accepted (kept to nanoseconds). Returns the
// instant, or nullopt when s is not such a date-time. Hand-written: g++ 12 lacks
// std::chrono::parse and no project library parses RFC 3339.
std::optional<WallTime> ParseRfc3339(std::string_view s);

}  // namespace repram::mcp
