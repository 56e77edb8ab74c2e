#pragma once

#include <array>
#include <string>
#include <string_view>

#include "util/status.h"

namespace repram::trust {

// The compiled-in omega public key: the upstream placeholder (32 zero bytes, a small-order
// point). Kept until a real key ceremony; it never passes ValidateOmegaPubkey.
inline constexpr std::string_view kPlaceholderOmegaPubkey =
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

// The hint logged after a fatal key error at startup (trust.md §2).
inline constexpr std::string_view kOmegaKeyHint =
    "Set REPRAM_OMEGA_PUBKEY to the base64 omega public key, or use REPRAM_NETWORK=private.";

// A validated Ed25519 omega public key: 32 bytes, a canonical point of large order.
struct OmegaKey {
  std::array<unsigned char, 32> bytes{};
};

// Validates a base64 omega public key (trust.md §2). Errors, in order of checking:
// "trust: omega pubkey is not valid base64", "trust: omega pubkey has wrong length: got <n> want
// 32", "trust: omega pubkey is the placeholder or a small-order point".
Result<OmegaKey> ValidateOmegaPubkey(std::string_view base64);

// Loads the startup key: env_value (REPRAM_OMEGA_PUBKEY) when non-empty, else the compiled-in
// placeholder. On failure the message is "<source>: <error>" with <source> = "REPRAM_OMEGA_PUBKEY"
// or "baked-in omega pubkey is invalid", ready for "Omega bootstrap failed: <message>".
Result<OmegaKey> LoadOmegaKey(std::string_view env_value);

}  // namespace repram::trust
