// Fuzzes the gossip message decoder (cluster.md §3): ParseMessage, ValidatePut, the round trip of
// whatever parses (EncodeMessage output must parse back to the same encoding), and the canonical
// fast path against the JSON tree parser (same outcome on every input). The input is also read
// as a gossip batch body, each line parsed the same way.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cluster/gossip_batch.h"
#include "cluster/message.h"

namespace {

void CheckOne(std::string_view body) {
  using repram::cluster::EncodeMessage;
  using repram::cluster::ParseMessage;
  auto msg = ParseMessage(body);
  auto tree = repram::cluster::ParseMessageTree(body);
  if (msg.ok() != tree.ok()) std::abort();
  if (!msg.ok()) return;
  (void)repram::cluster::ValidatePut(*msg);
  const std::string encoded = EncodeMessage(*msg);
  if (EncodeMessage(*tree) != encoded) std::abort();
  auto again = ParseMessage(encoded);
  if (!again.ok() || EncodeMessage(*again) != encoded) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  CheckOne(body);
  auto lines = repram::cluster::SplitBatch(body);
  if (lines.ok() && lines->size() > 1) {
    for (std::string_view line : *lines) CheckOne(line);
  }
  (void)repram::cluster::ParseBatchReply(body);
  return 0;
}
