#pragma once

#include <cstddef>
#include <string_view>

namespace repram {

// Returns the length (1..4) of the well-formed UTF-8 sequence starting at s[i], or 0 when the
// byte there does not start one (RFC 3629, as Go's utf8.DecodeRune: no overlong forms, no
// surrogates, nothing above U+10FFFF, no truncated sequence). REQUIRES: i < s.size().
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Returns true when s is well-formed UTF-8 throughout.
bool IsValidUtf8(std::string_view s);

}  // namespace repram
