#include "app/data_rules.h"

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

int64_t ResolveTtl(const TtlBounds& bounds, const std::optional<std::string>& query_ttl,
                   const std::optional<std::string_view>& header_ttl) {
  std::optional<int64_t> requested;
  if (query_ttl && !query_ttl->empty()) {
    // A present query value hides the header, even when it is invalid.
    requested = ParseStrictInt(*query_ttl);
  } else if (header_ttl) {
    requested = ParseStrictInt(TrimSpace(*header_ttl));
  }
  return bounds.Effective(requested);
}

}  // namespace repram
