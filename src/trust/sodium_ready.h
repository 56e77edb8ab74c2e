#pragma once

#include <sodium.h>

namespace repram::trust {

// Initialises libsodium once (idempotent, thread-safe) and returns whether it is usable. Call
// before anything that draws randomness from libsodium.
inline bool SodiumReady() { return sodium_init() >= 0; }

}  // namespace repram::trust
