// Fuzzes the WebSocket envelope and payload-span locator (ws-tree.md §3): DecodeFrame without a
// secret and with the vectors' one, then the lifecycle payload parsers on the span it found.
#include <cstdint>
#include <string_view>

#include "tree/frame.h"
#include "tree/lifecycle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const std::string_view secret :
       {std::string_view(), std::string_view("test-cluster-secret")}) {
    repram::tree::ReceivedFrame frame;
    if (repram::tree::DecodeFrame(text, secret, frame) != repram::tree::FrameCheck::kOk) continue;
    (void)repram::tree::ParseHello(frame.payload);
    (void)repram::tree::ParseWelcome(frame.payload);
    (void)repram::tree::ParseGoodbye(frame.payload);
  }
  return 0;
}
