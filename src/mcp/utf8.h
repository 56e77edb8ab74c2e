#pragma once

#include <string_view>

namespace repram::mcp {

// Returns true when s is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF). Hand-written: none of the project's libraries exposes a validator without
// using exceptions for control flow.
bool IsValidUtf8(std::string_view s);

}  // namespace repram::mcp
