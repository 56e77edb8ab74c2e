#include "mcp/uuid.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdlib>

namespace repram::mcp {

std::string NewUuidV4() {
  // sodium_init is idempotent and thread-safe; randombytes needs it once per process.
  if (sodium_init() < 0) std::abort();
  std::array<uint8_t, 16> b{};
  randombytes_buf(b.data(), b.size());
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0F]);
  }
  return out;
}

}  // namespace repram::mcp
