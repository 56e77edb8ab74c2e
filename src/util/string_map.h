#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace repram {

// Hashes std::string and std::string_view alike, so that lookups by a view do not allocate.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// An unordered map from owned strings that find()s by std::string_view (heterogeneous lookup).
template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

}  // namespace repram
