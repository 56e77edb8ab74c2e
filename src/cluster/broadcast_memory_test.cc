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

// Param: gossip batching on (the first batch to each peer is a batch of one, which shares the
// message body instead of copying it) or off.
class BroadcastMemoryTest : public testing::ClusterNodeFixture,
                            public ::testing::WithParamInterface<bool> {};

// A full broadcast of one large write to 32 peers whose sends are all still in flight (the fake
// transport holds every request, as a real one does until the peer answers) keeps one encoded
// body, not one per peer: 32 copies would be ~170 MiB.
TEST_P(BroadcastMemoryTest, LargeWriteToManyPeersHoldsOneEncodedBody) {
  ClusterConfig config = DefaultConfig();
  config.gossip_batch = GetParam();
  MakeNode(config);
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

// With batching, a second large write queued behind the first (its batch still in flight to
// every peer) is held once too: the 32 queues share its body.
class BatchQueueMemoryTest : public testing::ClusterNodeFixture {};

TEST_F(BatchQueueMemoryTest, QueuedLargeWriteIsSharedByEveryPeersBatchQueue) {
  ClusterConfig config = DefaultConfig();
  config.gossip_batch = true;
  MakeNode(config);
  for (int i = 0; i < kPeers; ++i) AddPeer("p" + std::to_string(i));
  transport_.Hold(true);
  const std::string value(kValueBytes, 'v');
  node_->ReplicateWrite("big-1", value, 600, [](bool) {});
  const size_t before = LiveHeapBytes();
  node_->ReplicateWrite("big-2", value, 600, [](bool) {});
  ASSERT_EQ(transport_.held(), static_cast<size_t>(kPeers));  // queued, not sent
  const size_t held = LiveHeapBytes() - before;
  EXPECT_LT(held, kValueBytes * 3 / 2) << "held " << held << " bytes for " << kPeers << " peers";
  transport_.ReleaseHeld();  // each peer's queued write leaves alone (over the batch byte cap)
  EXPECT_EQ(transport_.held(), static_cast<size_t>(kPeers));
  transport_.ReleaseHeld();
}

INSTANTIATE_TEST_SUITE_P(BatchingOnOff, BroadcastMemoryTest, ::testing::Bool());

}  // namespace
}  // namespace repram::cluster
