// Memory bound of a broadcast (issue #13 item 1), measured with the counting allocator: every
// byte the node and its transport hold is a heap byte, so the test needs no RSS and no timing.
#include <gtest/gtest.h>

#include <string>

#include "cluster/testing/cluster_node_fixture.h"
#include "util/testing/counting_allocator.h"

namespace repram::cluster {
namespace {

using repram::testing::LiveHeapBytes;
using repram::testing::PeakHeapBytes;
using repram::testing::ResetPeakHeapBytes;

constexpr size_t kValueBytes = 4 << 20;  // encoded: ~5.3 MiB of base64 in the gossip body
constexpr int kPeers = 32;

class BroadcastMemoryTest : public testing::ClusterNodeFixture {};

// A full broadcast of one large write to 32 peers whose sends are all still in flight (the fake
// transport holds every request, as a real one does until the peer answers) keeps one encoded
// body, not one per peer: 32 copies would be ~170 MiB.
TEST_F(BroadcastMemoryTest, LargeWriteToManyPeersHoldsOneEncodedBody) {
  MakeNode();
  for (int i = 0; i < kPeers; ++i) AddPeer("p" + std::to_string(i));
  transport_.Hold(true);
  const std::string value(kValueBytes, 'v');
  const size_t before = LiveHeapBytes();
  ResetPeakHeapBytes();
  node_->ReplicateWrite("big", value, 600, [](bool) {});
  ASSERT_EQ(transport_.held(), static_cast<size_t>(kPeers));
  const size_t held = LiveHeapBytes() - before;
  const size_t peak = PeakHeapBytes() - before;
  // One encoded body (4/3 of the value, without the writer's spare capacity) plus small
  // per-request state.
  EXPECT_LT(held, kValueBytes * 3 / 2) << "held " << held << " bytes for " << kPeers << " peers";
  // While encoding: the value copy in the message, its base64 text and the JSON body growing
  // by doubling (~5.2x the value in all), independent of the number of peers.
  EXPECT_LT(peak, kValueBytes * 6) << "peak " << peak << " bytes";
  RecordProperty("held_bytes", std::to_string(held));
  RecordProperty("peak_bytes", std::to_string(peak));
  transport_.ReleaseHeld();
}

}  // namespace
}  // namespace repram::cluster
