#include "app/data_rules.h"

#include <algorithm>

#include "util/strings.h"

namespace repram {

Result<std::string> DecodeDataKey(std::string_view raw) {
  if (raw.empty()) return Status(StatusCode::kInvalidArgument, "key must not be empty\n");
  if (raw.find('/') != std::string_view::npos) {
    return Status(StatusCode::kInvalidArgument, "key must not contain '/'\n");
  }
  auto key = PercentDecode(raw, /*plus_is_space=*/false);
  if (!key) return Status(StatusCode::kInvalidArgument, "malformed percent-encoding in key\n");
  if (key->find('/') != std::string::npos) {
    return Status(StatusCode::kInvalidArgument, "key must not contain '/'\n");
  }
  if (key->size() > kMaxKeyBytes) return Status(StatusCode::kInvalidArgument, "key too long\n");
  return std::move(*key);
}

int64_t TtlPolicy::Clamp(int64_t v) const { return std::min(std::max(v, min_ttl), max_ttl); }

int64_t TtlPolicy::Resolve(const std::optional<std::string>& query_ttl,
                           const std::optional<std::string_view>& header_ttl) const {
  int64_t ttl = default_ttl;
  const auto take = [&](std::string_view text) {
    if (auto v = ParseStrictInt(text); v && *v > 0) ttl = *v;
  };
  if (query_ttl && !query_ttl->empty()) {
    take(*query_ttl);  // a present query value hides the header, even when invalid
  } else if (header_ttl) {
    const auto h = TrimSpace(*header_ttl);
    if (!h.empty()) take(h);
  }
  return Clamp(ttl);
}

}  // namespace repram
