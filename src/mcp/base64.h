#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace repram::mcp {

// Returns the standard padded base64 (RFC 4648 §4) of bytes.
std::string Base64Encode(std::string_view bytes);

// Decodes strict standard base64: padding required, no whitespace, zero trailing bits.
// Returns nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace repram::mcp
