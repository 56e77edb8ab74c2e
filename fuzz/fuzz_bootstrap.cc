// Fuzzes the bootstrap request and response codecs (cluster.md §6) with the same bytes.
#include <cstdint>
#include <string_view>

#include "cluster/bootstrap_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto req = repram::cluster::ParseBootstrapRequest(body); req.ok()) {
    (void)repram::cluster::JoinerNode(*req);
    (void)repram::cluster::ParseBootstrapRequest(repram::cluster::EncodeBootstrapRequest(*req));
  }
  if (auto peers = repram::cluster::ParseBootstrapResponse(body); peers.ok()) {
    (void)repram::cluster::ParseBootstrapResponse(repram::cluster::EncodeBootstrapResponse(*peers));
  }
  return 0;
}
