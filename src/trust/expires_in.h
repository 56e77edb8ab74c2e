#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace repram::trust {

// Parses the `repram-omega sign --expires-in` value (trust.md §13.3): plain decimal seconds
// ("3600") or one or more <digits><unit> groups with units s, m, h, d ("90m", "24h", "7d",
// "1h30m"). Returns the total in seconds, or nullopt for anything else or on int64 overflow.
// Zero is returned as 0 (the caller reports it as not positive).
std::optional<int64_t> ParseExpiresIn(std::string_view text);

}  // namespace repram::trust
