#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace repram {

// HTTP header fields as (name, value) pairs in arrival order: what HTTP clients hand back.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Returns the value of the first field named `name` (ASCII case-insensitive), without leading
// and trailing whitespace; nullopt when there is none.
std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name);

}  // namespace repram
