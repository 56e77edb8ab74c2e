// Fuzzes DNS TXT assembly (trust.md): the input is split at '\n' into the texts of one answer,
// then UsableTxtRecords, ParseBootstrapIndirection and SelectBestSignedList run on them.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trust/dns_records.h"

namespace {
constexpr std::array<unsigned char, 32> kPublicKey = {
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> texts(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      texts.emplace_back();
    } else {
      texts.back().push_back(static_cast<char>(data[i]));
    }
  }
  auto usable = repram::trust::UsableTxtRecords("_repram.example.org", texts);
  if (!usable.ok()) return 0;
  (void)repram::trust::ParseBootstrapIndirection(*usable);
  (void)repram::trust::SelectBestSignedList("omega.example.org", *usable, kPublicKey,
                                            1'700'000'000);
  return 0;
}
