#pragma once

#include <cstddef>
#include <string_view>

namespace repram {

// Deepest nesting of arrays and objects accepted in JSON from strangers or peers.
inline constexpr size_t kMaxJsonDepth = 64;

// Returns false when text opens more than max_depth nested arrays/objects at any point (brackets
// inside strings do not count). A linear pass without allocation, run before a JSON parser builds
// a tree, so a nesting bomb ("[" x 16 MiB) costs no memory. It does not validate the JSON: for any
// prefix a parser accepts, the depth it counts is the parser's.
bool JsonDepthWithin(std::string_view text, size_t max_depth = kMaxJsonDepth);

}  // namespace repram
