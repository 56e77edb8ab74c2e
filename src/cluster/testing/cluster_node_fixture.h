#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cluster/cluster_node.h"
#include "cluster/hmac.h"
#include "cluster/testing/fake_rng.h"
#include "cluster/testing/fake_transport.h"
#include "cluster/testing/memory_store.h"
#include "util/fake_clock.h"
#include "util/fake_scheduler.h"

namespace repram::cluster::testing {

// One ClusterNode ("self" at 10.0.0.1:8080) over a synchronous FakeTransport, a MemoryStore and
// a FakeScheduler, plus a small DSL to feed it gossip.
class ClusterNodeFixture : public ::testing::Test {
 protected:
  static ClusterConfig DefaultConfig() {
    ClusterConfig config;
    config.node_id = "self";
    config.address = "10.0.0.1";
    config.http_port = 8080;
    config.gossip_port = 9090;
    return config;
  }

  // Returns the node a peer id stands for: address "host-<id>", ports 9090/8080.
  static NodeInfo Peer(const std::string& id, const std::string& enclave = "default") {
    return NodeInfo{.id = id,
                    .address = "host-" + id,
                    .gossip_port = 9090,
                    .http_port = 8080,
                    .enclave = enclave};
  }

  void MakeNode(ClusterConfig config = DefaultConfig(), ClusterHooks hooks = {},
                SeedProvider* recovery = nullptr, WsRelay* relay = nullptr) {
    node_.reset();
    secret_ = config.secret;
    node_ = std::make_unique<ClusterNode>(std::move(config),
                                          ClusterDeps{.scheduler = scheduler_,
                                                      .rng = rng_,
                                                      .transport = transport_,
                                                      .store = store_,
                                                      .recovery_seeds = recovery,
                                                      .ws_relay = relay},
                                          std::move(hooks));
  }

  // Returns a message of the given type from `from` with a fresh id, stamped with the fake clock's
  // current Unix seconds.
  SimpleMessage Msg(const std::string& type, const std::string& from) {
    SimpleMessage msg;
    msg.type = type;
    msg.from = from;
    msg.timestamp =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.WallNow().time_since_epoch())
            .count();
    msg.message_id = from + "-m-" + std::to_string(++counter_);
    return msg;
  }

  // Delivers msg to the node as a signed (when a secret is set) POST /v1/gossip/message.
  PeerReply Gossip(const SimpleMessage& msg, bool fanout_full = false) {
    const std::string body = EncodeMessage(msg);
    return node_->HandleGossip(body, secret_.empty() ? "" : SignBody(secret_, body), fanout_full);
  }

  // Adds peers through a propagated SYNC from an unknown introducer (which gets no answer).
  void AddPeer(const std::string& id, const std::string& enclave = "default") {
    SimpleMessage sync = Msg("SYNC", "introducer");
    sync.node_info = Peer(id, enclave);
    ASSERT_EQ(Gossip(sync).outcome, PeerOutcome::kAccepted);
  }

  FakeClock clock_;
  FakeScheduler scheduler_{clock_};
  FakeTransport transport_;
  MemoryStore store_;
  SeededRng rng_{5};
  std::string secret_;
  int counter_ = 0;
  std::unique_ptr<ClusterNode> node_;
};

}  // namespace repram::cluster::testing
