// Fuzzes the anti-entropy body decoders (docs/anti-entropy.md) with the same bytes.
#include <cstdint>
#include <string_view>

#include "cluster/anti_entropy_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)repram::cluster::ParseDigestRequest(body);
  (void)repram::cluster::ParseDigestResponse(body);
  (void)repram::cluster::ParseDiffRequest(body);
  (void)repram::cluster::ParseDiffResponse(body);
  (void)repram::cluster::ParsePushRequest(body);
  (void)repram::cluster::ParsePushResponse(body);
  return 0;
}
