#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace repram {

inline constexpr size_t kMaxKeyBytes = 8192;

// Decodes the raw path after "/v1/data/" into key bytes (http-api.md §6.1). Errors carry the
// exact 400 body: "key must not be empty\n", "key must not contain '/'\n",
// "malformed percent-encoding in key\n", "key too long\n".
Result<std::string> DecodeDataKey(std::string_view raw_after_prefix);

// TTL bounds and default, from the configuration.
struct TtlPolicy {
  int64_t default_ttl = 1800;
  int64_t min_ttl = 300;
  int64_t max_ttl = 86400;

  // Returns v clamped into [min_ttl, max_ttl].
  int64_t Clamp(int64_t v) const;
  // The TTL algorithm of http-api.md §4: query value (nullopt = absent) beats the X-TTL header
  // value (nullopt = absent); invalid or <= 0 = default; then clamp. Never fails.
  int64_t Resolve(const std::optional<std::string>& query_ttl,
                  const std::optional<std::string_view>& header_ttl) const;
};

}  // namespace repram
