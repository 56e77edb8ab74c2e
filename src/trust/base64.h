#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace repram::trust {

// Decodes strict standard base64 (RFC 4648 §4): alphabet A-Z a-z 0-9 + /, '=' padding required,
// no whitespace or line breaks, unused trailing bits zero (canonical encoding only). Returns the
// raw bytes, or nullopt for any other input. The empty string decodes to empty bytes.
std::optional<std::string> DecodeBase64Strict(std::string_view text);

// Returns the padded standard base64 encoding of bytes.
std::string EncodeBase64(std::string_view bytes);

}  // namespace repram::trust
