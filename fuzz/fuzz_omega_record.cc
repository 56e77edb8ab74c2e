// Fuzzes the omega record parser and verifier (trust.md): ParseSignedList, then
// VerifySignedList against the public key of tests/vectors/omega.json, and the canonical
// payload and record formatting of what parses.
#include <cstdint>
#include <string_view>

#include "trust/signed_list.h"
#include "trust/verify.h"
#include "vector_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view record(reinterpret_cast<const char*>(data), size);
  auto list = repram::trust::ParseSignedList(record);
  if (!list.ok()) return 0;
  (void)repram::trust::CanonicalPayload(*list);
  (void)repram::trust::FormatSignedRecord(*list);
  (void)repram::trust::VerifySignedList(*list, repram::fuzz::kVectorPublicKey, 1'700'000'000);
  return 0;
}
