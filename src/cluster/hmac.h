#pragma once

#include <string>
#include <string_view>

namespace repram::cluster {

// Returns HMAC-SHA256(key = secret bytes, message = body bytes) as 64 lowercase hex chars.
std::string SignBody(std::string_view secret, std::string_view body);

// Outcome of checking an X-Repram-Signature header (cluster.md §4).
enum class SignatureCheck { kOk, kMissing, kInvalid };

// Verifies header against SignBody(secret, body) with a constant-time compare; only the exact
// lowercase hex passes. An empty secret (open mode) accepts everything; an empty header is
// kMissing.
SignatureCheck VerifyBody(std::string_view secret, std::string_view body, std::string_view header);

}  // namespace repram::cluster
