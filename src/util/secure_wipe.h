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

// Overwrites the kStackWipeBytes of the calling thread's stack just below the caller's frame:
// the frames of the calls it made before, and the register saves spilled there, lose whatever
// bytes they held (libsodium's sodium_stackzero does the same).
void SecureWipeStack() noexcept;
inline constexpr size_t kStackWipeBytes = 64 * 1024;

}  // namespace repram
