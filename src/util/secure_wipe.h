#pragma once

#include <cstddef>
#include <string>

namespace repram {

// Overwrites n bytes at p with zeros; the compiler cannot drop the write as dead (glibc's
// explicit_bzero, the same guarantee as libsodium's sodium_memzero without linking libsodium
// into util). Used wherever a value's bytes are released or a buffer that held them is reused.
void SecureWipe(void* p, size_t n) noexcept;

// Overwrites the bytes s holds, then empties it (capacity kept). Spare capacity is not touched:
// a buffer that is only appended to and emptied this way never holds old bytes there.
void SecureClear(std::string& s) noexcept;

}  // namespace repram
