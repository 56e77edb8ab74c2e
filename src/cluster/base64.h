#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace repram::cluster {

// Encodes bytes as standard base64 (RFC 4648 §4, '+/' alphabet, '=' padding).
std::string EncodeBase64(std::string_view bytes);

// Decodes strict standard base64: '+/' alphabet, '=' padding required, no whitespace, zero
// trailing bits. Returns nullopt for anything else. The empty string decodes to empty bytes.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace repram::cluster
