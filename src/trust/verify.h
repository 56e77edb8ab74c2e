#pragma once

#include <cstdint>
#include <span>

#include "trust/signed_list.h"
#include "util/status.h"

namespace repram::trust {

// Verifies a parsed list at Unix time now in the order of trust.md §6: version, expiry (invalid
// at exp), nodes, key length, signature length, libsodium Ed25519 signature over
// CanonicalPayload(list). The key is taken as raw bytes so tests can force any key; production
// passes an OmegaKey. Returns OK or the spec's error text. Thread-safe.
Status VerifySignedList(const SignedList& list, std::span<const unsigned char> pubkey, int64_t now);

}  // namespace repram::trust
