#pragma once

#include <string>

namespace repram::mcp {

// Returns a new random RFC 4122 version 4 UUID in lowercase hex, 8-4-4-4-12
// ("0b7e3c2a-...-4..."), from libsodium's CSPRNG. Thread-safe.
std::string NewUuidV4();

}  // namespace repram::mcp
