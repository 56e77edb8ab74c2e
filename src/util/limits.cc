#include "util/limits.h"

#include <algorithm>

namespace repram {

bool IsValidKey(std::string_view key) {
  return !key.empty() && key.size() <= kMaxKeyBytes && key.find('/') == std::string_view::npos;
}

int64_t ClampTtl(int64_t ttl_seconds, int64_t min_seconds, int64_t max_seconds) {
  return std::min(std::max(ttl_seconds, min_seconds), max_seconds);
}

int64_t TtlBounds::Clamp(int64_t ttl_seconds) const {
  return ClampTtl(ttl_seconds, min_seconds, max_seconds);
}

int64_t TtlBounds::Effective(std::optional<int64_t> requested) const {
  return Clamp(requested && *requested > 0 ? *requested : default_seconds);
}

}  // namespace repram
