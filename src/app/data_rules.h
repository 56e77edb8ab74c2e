#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/limits.h"
#include "util/status.h"

namespace repram {

// Decodes the raw path after "/v1/data/" into key bytes (http-api.md §6.1). Errors carry the
// exact 400 body: "key must not be empty\n", "key must not contain '/'\n",
// "malformed percent-encoding in key\n", "key too long\n".
Result<std::string> DecodeDataKey(std::string_view raw_after_prefix);

// The TTL algorithm of http-api.md §4: the query value (nullopt = absent) beats the X-TTL header
// value (nullopt = absent); invalid or <= 0 = the default; then clamped (TtlBounds::Effective).
// Never fails.
int64_t ResolveTtl(const TtlBounds& bounds, const std::optional<std::string>& query_ttl,
                   const std::optional<std::string_view>& header_ttl);

}  // namespace repram
