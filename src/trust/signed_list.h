#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace repram::trust {

// The version string this binary understands.
inline constexpr std::string_view kOmegaVersion = "omega-v1";

// One omega signed root list (trust.md §4-§5). A parsed list is untrusted until VerifySignedList
// accepts it. Plain value type.
struct SignedList {
  std::string version;             // "v"
  int64_t exp = 0;                 // "exp", Unix seconds; invalid at and after exp
  std::vector<std::string> nodes;  // "nodes", host:http_port entries in received order
  std::string signature;           // raw signature bytes (64 for a well-formed list)

  bool operator==(const SignedList&) const = default;
};

// Parses a TXT record with the strict omega-v1 grammar of trust.md §4. Errors carry the spec's
// exact texts ("trust: signed list has malformed field: ...", "... duplicate field: <key>", ...).
Result<SignedList> ParseSignedList(std::string_view record);

// Returns the signed bytes: "v=<v>;exp=<decimal exp>;nodes=<byte-wise sorted nodes joined by ','>".
std::string CanonicalPayload(const SignedList& list);

// Returns the TXT record text: CanonicalPayload(list) + ";sig=" + base64(signature).
std::string FormatSignedRecord(const SignedList& list);

// Returns s quoted the way Go's %q verb does for the texts the spec quotes: printable ASCII as is,
// '"' and '\\' escaped, control bytes as \n-style or \xNN escapes, valid UTF-8 kept, invalid bytes
// as \xNN.
std::string GoQuote(std::string_view s);

}  // namespace repram::trust
