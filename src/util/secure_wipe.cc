#include "util/secure_wipe.h"

#include <string.h>  // explicit_bzero (glibc)

namespace repram {

void SecureWipe(void* p, size_t n) noexcept {
  if (p != nullptr && n > 0) explicit_bzero(p, n);
}

void SecureClear(std::string& s) noexcept {
  SecureWipe(s.data(), s.size());
  s.clear();
}

// noinline: the array must be a frame of its own, below the caller's. no_sanitize: under ASan
// the array must still be on the thread's real stack, not in a fake frame.
__attribute__((noinline, no_sanitize("address"))) void SecureWipeStack() noexcept {
  char below_caller[kStackWipeBytes];
  explicit_bzero(below_caller, sizeof(below_caller));
}

}  // namespace repram
