// Catch-up, requesting side (cluster.md §12): CatchupClient against fake peers, and the
// ClusterNode triggers (startup bootstrap, isolation recovery, the transient seam).
#include "cluster/catchup_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "cluster/bootstrap_codec.h"
#include "cluster/catchup_codec.h"
#include "cluster/catchup_server.h"
#include "cluster/cluster_node.h"
#include "cluster/hmac.h"
#include "cluster/testing/fake_rng.h"
#include "cluster/testing/fake_transport.h"
#include "cluster/testing/list_seed_provider.h"
#include "cluster/testing/memory_store.h"
#include "util/fake_clock.h"
#include "util/fake_scheduler.h"

namespace repram::cluster {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeTransport;

NodeInfo Peer(const std::string& id, const std::string& enclave = "default") {
  return NodeInfo{.id = id,
                  .address = "host-" + id,
                  .gossip_port = 9090,
                  .http_port = 8080,
                  .enclave = enclave};
}

// Fake peers on one FakeClock: each host either serves /v1/catchup from its own TtlStore or
// answers with a scripted status (0 = transport error).
class CatchupClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport_.SetResponder([this](const OutboundRequest& req) { return Answer(req); });
  }

  TransportResult Answer(const OutboundRequest& req) {
    if (req.path == kBootstrapPath) return bootstrap_answer_;
    if (req.path != kCatchupPath) return FakeTransport::Answer(200);
    Result<CatchupRequest> parsed = ParseCatchupRequest(req.body);
    if (!parsed.ok()) return FakeTransport::Answer(400, "Invalid JSON\n");
    cursors_[req.host].push_back(parsed->cursor);
    auto& script = failures_[req.host];
    if (!script.empty()) {
      const int status = script.front();
      script.erase(script.begin());
      if (status != 200) return FakeTransport::Answer(status, "404 page not found\n");
    }
    auto source = sources_.find(req.host);
    if (source == sources_.end()) return FakeTransport::Answer(404, "404 page not found\n");
    return FakeTransport::Answer(200, ServeCatchupPage(*source->second, *parsed));
  }

  // Makes host-<id> serve catch-up from a store of its own and returns that store.
  TtlStore& Source(const std::string& id) {
    auto& store = sources_["host-" + id];
    store = std::make_unique<TtlStore>(clock_, 0);
    return *store;
  }
  // Scripts the next answers of host-<id> (200 = serve normally).
  void Fail(const std::string& id, std::vector<int> statuses) {
    failures_["host-" + id] = std::move(statuses);
  }

  std::unique_ptr<CatchupClient> MakeClient(int64_t page_limit = 10000, int64_t max_ttl = 86400,
                                            const std::string& secret = "") {
    return std::make_unique<CatchupClient>(CatchupClient::Options{.node_id = "node-c",
                                                                  .enclave = "default",
                                                                  .secret = secret,
                                                                  .page_limit = page_limit,
                                                                  .max_ttl = max_ttl},
                                           transport_, clock_, local_, metrics_);
  }

  // Runs one pass over candidates and returns its result (the fake transport is synchronous).
  bool RunPass(CatchupClient& client, std::vector<NodeInfo> candidates) {
    std::optional<bool> result;
    EXPECT_TRUE(client.Run(std::move(candidates), [&](bool ok) { result = ok; }));
    EXPECT_TRUE(result.has_value());
    return result.value_or(false);
  }

  FakeClock clock_;
  FakeTransport transport_;
  TtlStore local_{clock_, 0};
  ClusterMetrics metrics_;
  std::map<std::string, std::unique_ptr<TtlStore>> sources_;
  std::map<std::string, std::vector<int>> failures_;
  std::map<std::string, std::vector<std::string>> cursors_;
  TransportResult bootstrap_answer_ = FakeTransport::Answer(0);
};

TEST_F(CatchupClientTest, StoresEveryEntryWithItsRemainingLifetimeAndOriginalTtl) {
  TtlStore& a = Source("a");
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(a.Put("k" + std::to_string(i), "v", 600).ok());
  ASSERT_TRUE(a.Put("short", "value", 10).ok());
  clock_.Advance(milliseconds(3700));  // "short": 6.3 s left, sent as 6
  auto client = MakeClient(/*page_limit=*/10);
  EXPECT_TRUE(RunPass(*client, {Peer("a")}));
  EXPECT_EQ(local_.entry_count(), 26u);
  std::optional<StoredEntry> got = local_.Get("short");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->value, "value");
  EXPECT_EQ(got->ttl_seconds, 10);                        // X-Original-TTL kept
  EXPECT_EQ(got->expires_at, clock_.Now() + seconds(6));  // never later than at the source
  EXPECT_LE(got->expires_at, a.Get("short")->expires_at);
  EXPECT_EQ(cursors_["host-a"], (std::vector<std::string>{"", "k17", "k4"}));
  EXPECT_EQ(metrics_.catchup_entries_total, 26u);
  EXPECT_EQ(metrics_.catchup_runs_ok, 1u);
  EXPECT_EQ(metrics_.catchup_in_progress, 0);
}

TEST_F(CatchupClientTest, RequestsCarryTheSpecBodyAndASignatureWhenASecretIsSet) {
  Source("a");
  clock_.Advance(seconds(5));
  auto client = MakeClient(10000, 86400, "s3cret");
  EXPECT_TRUE(RunPass(*client, {Peer("a")}));
  const std::vector<OutboundRequest> sent = transport_.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].host, "host-a");
  EXPECT_EQ(sent[0].port, 8080);
  EXPECT_EQ(sent[0].path, "/v1/catchup");
  const int64_t unix_now =
      std::chrono::duration_cast<seconds>(clock_.WallNow().time_since_epoch()).count();
  EXPECT_EQ(sent[0].body, R"({"node_id":"node-c","enclave":"default","cursor":"","limit":10000,)"
                          R"("timestamp":)" +
                              std::to_string(unix_now) + "}");
  EXPECT_EQ(FakeTransport::Header(sent[0], "X-Repram-Signature"), SignBody("s3cret", sent[0].body));
  EXPECT_EQ(FakeTransport::Header(sent[0], "Content-Type"), "application/json");
}

TEST_F(CatchupClientTest, LifetimesAreNeverExtendedNorNegative) {
  // A hand-written page: remaining above the original, zero, negative, above our max TTL.
  transport_.SetResponder([](const OutboundRequest&) {
    return FakeTransport::Answer(
        200, R"({"entries":[)"
             R"({"key":"above-original","data":"dg==","remaining_ttl":900,"original_ttl":300},)"
             R"({"key":"dead","data":"dg==","remaining_ttl":0,"original_ttl":300},)"
             R"({"key":"negative","data":"dg==","remaining_ttl":-5,"original_ttl":300},)"
             R"({"key":"huge","data":"dg==","remaining_ttl":999999,"original_ttl":999999}]})");
  });
  auto client = MakeClient(10000, /*max_ttl=*/86400);
  EXPECT_TRUE(RunPass(*client, {Peer("a")}));
  EXPECT_FALSE(local_.Get("dead").has_value());
  EXPECT_FALSE(local_.Get("negative").has_value());
  std::optional<StoredEntry> above = local_.Get("above-original");
  ASSERT_TRUE(above.has_value());
  EXPECT_EQ(above->expires_at, clock_.Now() + seconds(900));
  EXPECT_GE(above->ttl_seconds, 900);  // the original TTL is never below what is left
  std::optional<StoredEntry> huge = local_.Get("huge");
  ASSERT_TRUE(huge.has_value());
  EXPECT_EQ(huge->expires_at, clock_.Now() + seconds(86400));
  EXPECT_EQ(metrics_.catchup_entries_total, 2u);
}

TEST_F(CatchupClientTest, ANewerLocalWriteWins) {
  TtlStore& a = Source("a");
  ASSERT_TRUE(a.Put("newer-here", "old", 600).ok());
  ASSERT_TRUE(a.Put("older-here", "new", 600).ok());
  clock_.Advance(seconds(100));                              // both have 500 s left at the source
  ASSERT_TRUE(local_.Put("newer-here", "local", 600).ok());  // 600 s left: kept
  ASSERT_TRUE(local_.Put("older-here", "local", 300).ok());  // 300 s left: replaced
  auto client = MakeClient();
  EXPECT_TRUE(RunPass(*client, {Peer("a")}));
  EXPECT_EQ(local_.Get("newer-here")->value, "local");
  EXPECT_EQ(local_.Get("older-here")->value, "new");
  EXPECT_EQ(metrics_.catchup_entries_total, 1u);
}

TEST_F(CatchupClientTest, A404PeerIsSkippedAndTheNextServesThePass) {
  Source("b").Put("k", "v", 600).ok();
  auto client = MakeClient();
  EXPECT_TRUE(RunPass(*client, {Peer("a"), Peer("b")}));  // host-a has no catch-up route: 404
  EXPECT_EQ(local_.Get("k")->value, "v");
  EXPECT_EQ(cursors_["host-a"], std::vector<std::string>{""});
  EXPECT_EQ(cursors_["host-b"], std::vector<std::string>{""});
  EXPECT_EQ(metrics_.catchup_runs_ok, 1u);
}

TEST_F(CatchupClientTest, AFailedPageResumesFromTheLastCursorAtTheNextCandidate) {
  TtlStore& a = Source("a");
  TtlStore& b = Source("b");
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(a.Put("k" + std::to_string(i), "a", 600).ok());
    ASSERT_TRUE(b.Put("k" + std::to_string(i), "b", 600).ok());
  }
  Fail("a", {200, 0});    // first page served, then a transport error
  Fail("b", {503, 200});  // first answer 503 (another failure), then serving
  auto client = MakeClient(/*page_limit=*/4);
  EXPECT_FALSE(RunPass(*client, {Peer("a"), Peer("b")}));
  EXPECT_EQ(cursors_["host-a"], (std::vector<std::string>{"", "k3"}));
  // b is asked from a's last cursor; its 503 leaves no candidate (each is tried once, in order).
  EXPECT_EQ(cursors_["host-b"], (std::vector<std::string>{"k3"}));
  EXPECT_EQ(metrics_.catchup_runs_failed, 1u);
  EXPECT_EQ(local_.entry_count(), 4u);
}

TEST_F(CatchupClientTest, ResumedPassFinishesAtTheNextCandidate) {
  TtlStore& a = Source("a");
  TtlStore& b = Source("b");
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(a.Put("k" + std::to_string(i), "a", 600).ok());
    ASSERT_TRUE(b.Put("k" + std::to_string(i), "b", 600).ok());
  }
  Fail("a", {200, 500});
  auto client = MakeClient(/*page_limit=*/4);
  EXPECT_TRUE(RunPass(*client, {Peer("a"), Peer("b")}));
  EXPECT_EQ(cursors_["host-b"], (std::vector<std::string>{"k3", "k7"}));
  EXPECT_EQ(local_.entry_count(), 10u);
  EXPECT_EQ(local_.Get("k0")->value, "a");
  EXPECT_EQ(local_.Get("k4")->value, "b");
  EXPECT_EQ(metrics_.catchup_runs_ok, 1u);
}

TEST_F(CatchupClientTest, UnreadablePageOrStuckCursorMovesOn) {
  transport_.SetResponder([](const OutboundRequest& req) {
    if (req.host == "host-a") return FakeTransport::Answer(200, "not json");
    return FakeTransport::Answer(200, R"({"entries":[],"next_cursor":""})");
  });
  auto client = MakeClient();
  EXPECT_FALSE(RunPass(*client, {Peer("a"), Peer("b")}));
  EXPECT_EQ(transport_.requests().size(), 2u);
  EXPECT_EQ(metrics_.catchup_runs_failed, 1u);
}

TEST_F(CatchupClientTest, AFullStoreStopsThePassCleanly) {
  TtlStore& a = Source("a");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(a.Put("k" + std::to_string(i), "12345", 600).ok());
  TtlStore small(clock_, 12);
  CatchupClient client(CatchupClient::Options{.node_id = "node-c",
                                              .enclave = "default",
                                              .secret = "",
                                              .page_limit = 3,
                                              .max_ttl = 86400},
                       transport_, clock_, small, metrics_);
  std::optional<bool> result;
  ASSERT_TRUE(client.Run({Peer("a")}, [&](bool ok) { result = ok; }));
  EXPECT_EQ(result, false);
  EXPECT_EQ(small.entry_count(), 2u);
  // The second page was asked for before the first was stored (pipelining); nothing after it.
  EXPECT_EQ(cursors_["host-a"].size(), 2u);
  EXPECT_EQ(metrics_.catchup_runs_failed, 1u);
  EXPECT_EQ(metrics_.catchup_entries_total, 2u);
}

TEST_F(CatchupClientTest, OnePassAtATime) {
  Source("a");
  transport_.Hold(true);
  auto client = MakeClient();
  int finished = 0;
  EXPECT_TRUE(client->Run({Peer("a")}, [&](bool) { ++finished; }));
  EXPECT_TRUE(client->running());
  EXPECT_EQ(metrics_.catchup_in_progress, 1);
  EXPECT_FALSE(client->Run({Peer("a")}, [&](bool) { ++finished; }));
  EXPECT_EQ(transport_.ReleaseHeld(), 1u);
  EXPECT_EQ(finished, 1);
  EXPECT_FALSE(client->running());
  EXPECT_EQ(metrics_.catchup_in_progress, 0);
  EXPECT_FALSE(client->Run({}, [&](bool) { ++finished; }));  // nobody to ask
}

TEST_F(CatchupClientTest, NothingRunsAfterStop) {
  Source("a").Put("k", "v", 600).ok();
  transport_.Hold(true);
  auto client = MakeClient();
  bool called = false;
  ASSERT_TRUE(client->Run({Peer("a")}, [&](bool) { called = true; }));
  client->Stop();
  transport_.ReleaseHeld();
  EXPECT_FALSE(called);
  EXPECT_FALSE(local_.Get("k").has_value());
  EXPECT_EQ(metrics_.catchup_in_progress, 0);
  EXPECT_FALSE(client->Run({Peer("a")}));
}

// ClusterNode wiring: which peers are asked, in which order, and when.
class CatchupTriggerTest : public CatchupClientTest {
 protected:
  void MakeNode(std::vector<std::string> seeds, SeedProvider* recovery = nullptr) {
    ClusterConfig config;
    config.node_id = "node-c";
    config.address = "10.0.0.3";
    config.seeds = std::move(seeds);
    config.isolation_interval = seconds(30);
    node_ = std::make_unique<ClusterNode>(config, ClusterDeps{.scheduler = scheduler_,
                                                              .rng = rng_,
                                                              .transport = transport_,
                                                              .store = replicas_,
                                                              .recovery_seeds = recovery,
                                                              .catchup_store = &local_});
  }
  void SeedAnswers(const std::vector<NodeInfo>& peers) {
    bootstrap_answer_ = FakeTransport::Answer(200, EncodeBootstrapResponse(peers));
  }
  std::vector<std::string> CatchupHosts() const {
    std::vector<std::string> hosts;
    for (const OutboundRequest& req : transport_.requests()) {
      if (req.path == kCatchupPath) hosts.push_back(req.host);
    }
    return hosts;
  }

  FakeScheduler scheduler_{clock_};
  testing::MemoryStore replicas_;
  testing::SeededRng rng_{3};
  std::unique_ptr<ClusterNode> node_;
};

TEST_F(CatchupTriggerTest, AfterBootstrapSameEnclavePeersAreAskedInIdOrder) {
  Source("b").Put("k", "v", 600).ok();
  SeedAnswers({Peer("d"), Peer("b"), Peer("a"), Peer("0-other", "red")});
  MakeNode({"seed:8080"});
  node_->Start();
  // host-a answers 404 (an upstream-like peer), b serves the whole pass; d and the other
  // enclave's node are never asked.
  EXPECT_EQ(CatchupHosts(), (std::vector<std::string>{"host-a", "host-b"}));
  EXPECT_EQ(local_.Get("k")->value, "v");
  EXPECT_EQ(metrics_.catchup_runs_ok, 0u);  // the test's own metrics are not the node's
  EXPECT_EQ(node_->metrics().catchup_runs_ok, 1u);
  EXPECT_EQ(node_->metrics().catchup_entries_total, 1u);
  // Caught-up entries are not gossiped.
  EXPECT_TRUE(transport_.messages("PUT").empty());
  EXPECT_NE(node_->RenderMetrics().find("repram_catchup_runs_total{result=\"ok\"} 1\n"),
            std::string::npos);
}

TEST_F(CatchupTriggerTest, NoCatchupWhenNoSeedAnswered) {
  MakeNode({"seed:8080"});  // the seed gives a transport error
  node_->Start();
  EXPECT_TRUE(CatchupHosts().empty());
}

TEST_F(CatchupTriggerTest, OnlyOtherEnclavesMeansNothingToPull) {
  SeedAnswers({Peer("a", "red")});
  MakeNode({"seed:8080"});
  node_->Start();
  EXPECT_TRUE(CatchupHosts().empty());
  EXPECT_EQ(node_->metrics().catchup_runs_ok + node_->metrics().catchup_runs_failed, 0u);
}

TEST_F(CatchupTriggerTest, AfterASuccessfulIsolationRecovery) {
  testing::ListSeedProvider seeds({"seed:8080"});
  MakeNode({}, &seeds);
  node_->Start();
  EXPECT_TRUE(CatchupHosts().empty());
  Source("a").Put("k", "v", 600).ok();
  SeedAnswers({Peer("a")});
  scheduler_.AdvanceBy(seconds(30));  // the isolation check re-bootstraps and succeeds
  EXPECT_EQ(CatchupHosts(), std::vector<std::string>{"host-a"});
  EXPECT_EQ(local_.Get("k")->value, "v");
}

TEST_F(CatchupTriggerTest, TransientSeamAsksOnlyTheParent) {
  Source("p").Put("k", "v", 600).ok();
  MakeNode({});
  node_->Start();
  node_->CatchUpFromParent(Peer("p"));
  EXPECT_EQ(CatchupHosts(), std::vector<std::string>{"host-p"});
  EXPECT_EQ(local_.Get("k")->value, "v");
}

}  // namespace
}  // namespace repram::cluster
