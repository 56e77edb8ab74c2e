// Fuzzes the omega record parser and verifier (trust.md): ParseSignedList, then
// VerifySignedList against the public key of tests/vectors/omega.json, and the canonical
// payload and record formatting of what parses.
#include <array>
#include <cstdint>
#include <string_view>

#include "trust/signed_list.h"
#include "trust/verify.h"

namespace {
// public_hex of the omega.json vector key.
constexpr std::array<unsigned char, 32> kPublicKey = {
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view record(reinterpret_cast<const char*>(data), size);
  auto list = repram::trust::ParseSignedList(record);
  if (!list.ok()) return 0;
  (void)repram::trust::CanonicalPayload(*list);
  (void)repram::trust::FormatSignedRecord(*list);
  (void)repram::trust::VerifySignedList(*list, kPublicKey, 1'700'000'000);
  return 0;
}
