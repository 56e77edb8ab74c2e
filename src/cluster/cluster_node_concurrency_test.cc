#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cluster/cluster_node.h"
#include "cluster/testing/fake_transport.h"
#include "cluster/testing/memory_store.h"
#include "util/fake_clock.h"
#include "util/mutex.h"

namespace repram::cluster {
namespace {

// A thread-safe Scheduler that only collects tasks (they never fire in this test).
class CollectingScheduler final : public Scheduler {
 public:
  explicit CollectingScheduler(const Clock& clock) : clock_(clock) {}
  std::unique_ptr<Task> After(Duration, std::function<void()>) override {
    MutexLock lock(mu_);
    ++scheduled_;
    return std::make_unique<NoopTask>();
  }
  const Clock& clock() const override { return clock_; }

 private:
  class NoopTask final : public Task {
   public:
    void Cancel() override {}
  };
  const Clock& clock_;
  Mutex mu_;
  int scheduled_ GUARDED_BY(mu_) = 0;
};

SimpleMessage Message(const std::string& type, const std::string& from, const std::string& id) {
  SimpleMessage msg;
  msg.type = type;
  msg.from = from;
  msg.message_id = id;
  return msg;
}

TEST(ClusterNodeConcurrencyTest, PublicMethodsMayRunConcurrentlyFromManyThreads) {
  FakeClock clock;
  CollectingScheduler scheduler(clock);
  DefaultRng rng;
  testing::FakeTransport transport;  // completes synchronously on the calling thread
  testing::MemoryStore store;
  ClusterConfig config;
  config.node_id = "self";
  config.address = "10.0.0.1";
  auto node = std::make_unique<ClusterNode>(
      config,
      ClusterDeps{.scheduler = scheduler, .rng = rng, .transport = transport, .store = store});
  node->Start();

  constexpr int kThreads = 4;
  constexpr int kIterations = 300;
  std::atomic<int> writes_done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        const std::string peer = "p" + std::to_string((t * kIterations + i) % 40);
        SimpleMessage sync = Message("SYNC", peer, "s");
        sync.node_info =
            NodeInfo{.id = peer, .address = "host-" + peer, .gossip_port = 1, .http_port = 8080};
        EXPECT_EQ(node->HandleGossip(EncodeMessage(sync), "", false).outcome,
                  PeerOutcome::kAccepted);
        SimpleMessage put =
            Message("PUT", peer, peer + "-" + std::to_string(t) + "-" + std::to_string(i));
        put.key = "k" + std::to_string(i);
        put.data = "v";
        put.ttl = 600;
        EXPECT_EQ(node->HandleGossip(EncodeMessage(put), "", i % 2 == 0).outcome,
                  PeerOutcome::kAccepted);
        node->ReplicateWrite("own" + std::to_string(i), "v", 600, [&](bool) { ++writes_done; });
        const SimpleMessage ping = Message("PING", peer, "x");
        EXPECT_EQ(node->HandleGossip(EncodeMessage(ping), "", false).outcome,
                  PeerOutcome::kAccepted);
        EXPECT_GE(node->Quorum(), 1);
        EXPECT_LE(node->Peers().size(), 40u);
        EXPECT_FALSE(node->RenderMetrics().empty());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  node->Stop();  // completes every write still waiting for ACKs
  EXPECT_EQ(writes_done, kThreads * kIterations);
  EXPECT_EQ(node->PeerCount(), 40u);
  EXPECT_EQ(store.puts(), kThreads * kIterations);
}

}  // namespace
}  // namespace repram::cluster
