// Fuzzes the catch-up decoders (cluster.md §12): the request parser, and the two page readers
// differentially: whatever the fast canonical reader accepts, the general reader must read the
// same way.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/catchup_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)repram::cluster::ParseCatchupRequest(body);
  auto general = repram::cluster::ReadCatchupPageGeneral(body);
  (void)repram::cluster::ParseCatchupPage(body);
  if (auto fast = repram::cluster::ReadCanonicalCatchupPage(body)) {
    if (!general.ok() || fast->next_cursor != general->next_cursor ||
        fast->entries.size() != general->entries.size()) {
      std::abort();
    }
    for (size_t i = 0; i < fast->entries.size(); ++i) {
      const auto& a = fast->entries[i];
      const auto& b = general->entries[i];
      if (a.key != b.key || a.value != b.value || a.remaining_ttl != b.remaining_ttl ||
          a.original_ttl != b.original_ttl) {
        std::abort();
      }
    }
  }
  return 0;
}
