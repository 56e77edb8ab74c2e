#pragma once

#include <array>
#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace repram {

// Parses a strict base-10 int64 (Go strconv.Atoi rules): optional single '+' or '-', then one or
// more ASCII digits, nothing else. Returns nullopt on any other input or on overflow.
std::optional<int64_t> ParseStrictInt(std::string_view s);

// Parses a positive number of seconds that may have a fraction ("30", "0.25"). nullopt otherwise.
std::optional<double> ParsePositiveSeconds(std::string_view s);

// Room for the decimal text of any 64-bit integer, its sign included.
using DecimalBuffer = std::array<char, 20>;

// Writes the decimal text of value into buf and returns it (a view of buf). For hot paths that
// would otherwise build a std::string with std::to_string.
template <std::integral Int>
std::string_view DecimalText(Int value, DecimalBuffer& buf) {
  const char* end = std::to_chars(buf.data(), buf.data() + buf.size(), value).ptr;
  return {buf.data(), static_cast<size_t>(end - buf.data())};
}

// Returns s without leading and trailing ASCII whitespace (space, tab, CR, LF).
std::string_view TrimSpace(std::string_view s);

// Lower-cases ASCII letters.
std::string AsciiLower(std::string_view s);

// Appends s to out as a JSON string literal with quotes, using the node's single set of rules:
// escape only '"', '\\' and control characters (\b \f \n \r \t, others as \u00xx lowercase);
// each byte that is not part of valid UTF-8 becomes \ufffd (Go parity); everything else verbatim.
void AppendJsonString(std::string& out, std::string_view s);

// Percent-decodes s. Every '%' must be followed by two hex digits. When plus_is_space, '+' decodes
// to ' ' (query strings); otherwise '+' stays. Returns nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

// Returns s percent-encoded byte by byte except A-Z a-z 0-9 - . _ ~ (uppercase hex): a key or
// query value made safe for one path segment or query parameter.
std::string PercentEncode(std::string_view s);

}  // namespace repram
