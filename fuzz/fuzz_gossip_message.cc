// Fuzzes the gossip message decoder (cluster.md §3): ParseMessage, ValidatePut, and the round
// trip of whatever parses (EncodeMessage output must parse back to the same encoding).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cluster/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto msg = repram::cluster::ParseMessage(body);
  if (!msg.ok()) return 0;
  (void)repram::cluster::ValidatePut(*msg);
  const std::string encoded = repram::cluster::EncodeMessage(*msg);
  auto again = repram::cluster::ParseMessage(encoded);
  if (!again.ok() || repram::cluster::EncodeMessage(*again) != encoded) std::abort();
  return 0;
}
