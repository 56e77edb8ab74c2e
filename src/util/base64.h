#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace repram {

// Returns the standard padded base64 (RFC 4648 §4, alphabet A-Z a-z 0-9 + /) of bytes.
std::string EncodeBase64(std::string_view bytes);

// Appends the standard padded base64 of bytes to out (no temporary string: page encoders).
void AppendBase64(std::string& out, std::string_view bytes);

// Decodes strict standard base64, the only form any caller accepts (trust.md §4 / D28 signatures
// and keys, cluster.md §3.2 gossip `data`, mcp.md base64 tool data): '+/' alphabet, '=' padding
// required, no whitespace or line breaks, nothing after the padding, unused trailing bits zero
// (canonical encoding only). Returns the bytes, or nullopt for any other input; "" decodes to "".
std::optional<std::string> DecodeBase64Strict(std::string_view text);

}  // namespace repram
