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

}  // namespace repram
