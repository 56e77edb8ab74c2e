// Fuzzes DNS TXT assembly (trust.md): the input is split at '\n' into the texts of one answer,
// then UsableTxtRecords, ParseBootstrapIndirection and SelectBestSignedList run on them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trust/dns_records.h"
#include "vector_key.h"

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
  (void)repram::trust::SelectBestSignedList("omega.example.org", *usable,
                                            repram::fuzz::kVectorPublicKey, 1'700'000'000);
  return 0;
}
