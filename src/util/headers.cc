#include "util/headers.h"

#include "util/strings.h"

namespace repram {

std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name) {
  const std::string wanted = AsciiLower(name);
  for (const auto& [n, v] : headers) {
    if (AsciiLower(n) == wanted) return TrimSpace(v);
  }
  return std::nullopt;
}

}  // namespace repram
