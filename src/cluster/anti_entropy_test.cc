#include "cluster/anti_entropy.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/anti_entropy_codec.h"
#include "cluster/anti_entropy_repair.h"
#include "cluster/hmac.h"
#include "cluster/testing/fake_rng.h"
#include "cluster/testing/fake_transport.h"
#include "store/digest.h"
#include "util/fake_clock.h"
#include "util/fake_scheduler.h"

namespace repram::cluster {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr uint32_t kBuckets = 64;

// Returns the cutoff both sides of a round would use now.
WallTime Cutoff(const FakeClock& clock) { return clock.WallNow() + kAntiEntropyHorizon; }

std::vector<uint32_t> DifferingBuckets(const std::vector<uint64_t>& a,
                                       const std::vector<uint64_t>& b) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) out.push_back(i);
  }
  return out;
}

std::vector<SummaryRecord> Records(const std::vector<store::EntrySummary>& summaries) {
  std::vector<SummaryRecord> out;
  for (const auto& s : summaries) {
    out.push_back({s.key_hash, s.value_hash, s.expires_after_cutoff_ms});
  }
  return out;
}

class DigestTest : public ::testing::Test {
 protected:
  void Fill(TtlStore& store, int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(store.Put("key-" + std::to_string(i), "value-" + std::to_string(i), 600).ok());
    }
  }
  std::vector<uint64_t> DigestOf(const TtlStore& store) {
    return store::ComputeDigest(store, clock_, kBuckets, Cutoff(clock_));
  }

  FakeClock clock_;
  TtlStore a_{clock_, 0};
  TtlStore b_{clock_, 0};
};

TEST_F(DigestTest, EqualStoresHaveEqualDigestsAlthoughExpiriesDiffer) {
  Fill(a_, 500);
  clock_.Advance(milliseconds(7));  // replicas start their clocks on arrival
  Fill(b_, 500);
  EXPECT_EQ(DigestOf(a_), DigestOf(b_));
  EXPECT_NE(DigestOf(a_), std::vector<uint64_t>(kBuckets, 0));
}

TEST_F(DigestTest, OneMissingEntryIsFoundExactly) {
  Fill(a_, 500);
  Fill(b_, 500);
  ASSERT_TRUE(a_.Put("only-on-a", "x", 600).ok());
  const std::vector<uint32_t> differing = DifferingBuckets(DigestOf(a_), DigestOf(b_));
  ASSERT_EQ(differing.size(), 1u);
  EXPECT_EQ(differing[0], store::DigestBucket(store::DigestKeyHash("only-on-a"), kBuckets));

  std::vector<bool> selected(kBuckets, false);
  selected[differing[0]] = true;
  const auto on_a = store::SummarizeBuckets(a_, clock_, selected, Cutoff(clock_));
  const auto on_b = store::SummarizeBuckets(b_, clock_, selected, Cutoff(clock_));
  EXPECT_EQ(on_a.size(), on_b.size() + 1);
  // a answers b's summary: it sends exactly that entry and wants nothing.
  const Comparison from_a = CompareBuckets(on_a, Records(on_b));
  EXPECT_EQ(from_a.send, std::vector<std::string>{"only-on-a"});
  EXPECT_TRUE(from_a.want.empty());
  // b answers a's summary: it wants exactly that key hash and sends nothing.
  const Comparison from_b = CompareBuckets(on_b, Records(on_a));
  EXPECT_TRUE(from_b.send.empty());
  EXPECT_EQ(from_b.want, std::vector<uint64_t>{store::DigestKeyHash("only-on-a")});
}

TEST_F(DigestTest, SameValueWithDifferentExpiriesIsEqual) {
  ASSERT_TRUE(a_.Put("k", "same", 600).ok());
  ASSERT_TRUE(b_.Put("k", "same", 900).ok());
  EXPECT_EQ(DigestOf(a_), DigestOf(b_));
  std::vector<bool> all(kBuckets, true);
  const Comparison cmp =
      CompareBuckets(store::SummarizeBuckets(a_, clock_, all, Cutoff(clock_)),
                     Records(store::SummarizeBuckets(b_, clock_, all, Cutoff(clock_))));
  EXPECT_TRUE(cmp.send.empty());
  EXPECT_TRUE(cmp.want.empty());
}

TEST_F(DigestTest, DifferentValuesLaterExpiryWins) {
  ASSERT_TRUE(a_.Put("k", "old", 600).ok());
  ASSERT_TRUE(b_.Put("k", "new", 900).ok());
  EXPECT_NE(DigestOf(a_), DigestOf(b_));
  std::vector<bool> all(kBuckets, true);
  const auto on_a = store::SummarizeBuckets(a_, clock_, all, Cutoff(clock_));
  const auto on_b = store::SummarizeBuckets(b_, clock_, all, Cutoff(clock_));
  const Comparison a_answers = CompareBuckets(on_a, Records(on_b));
  EXPECT_TRUE(a_answers.send.empty());
  EXPECT_EQ(a_answers.want, std::vector<uint64_t>{store::DigestKeyHash("k")});
  const Comparison b_answers = CompareBuckets(on_b, Records(on_a));
  EXPECT_EQ(b_answers.send, std::vector<std::string>{"k"});
  EXPECT_TRUE(b_answers.want.empty());
}

TEST_F(DigestTest, EntriesAboutToExpireAreLeftOut) {
  ASSERT_TRUE(a_.Put("short", "v", 3).ok());  // expires before the 5 s horizon
  EXPECT_EQ(DigestOf(a_), DigestOf(b_));
}

TEST_F(DigestTest, ApplyNeverExtendsAndKeepsNewerOrEqualCopies) {
  ASSERT_TRUE(a_.Put("mine-later", "local", 900).ok());
  ASSERT_TRUE(a_.Put("same", "v", 100).ok());
  bool full = false;
  const uint64_t stored = ApplyTransfers(
      a_,
      {TransferEntry{
           .key = "mine-later", .data = "remote", .remaining_ms = 600'000, .original_ttl = 600},
       TransferEntry{.key = "same", .data = "v", .remaining_ms = 500'000, .original_ttl = 600},
       TransferEntry{.key = "new", .data = "n", .remaining_ms = 30'000, .original_ttl = 600}},
      &full);
  EXPECT_EQ(stored, 1u);
  EXPECT_FALSE(full);
  EXPECT_EQ(a_.Get("mine-later")->value, "local");
  EXPECT_EQ(a_.Get("same")->expires_at, clock_.Now() + seconds(100));  // not extended
  const auto fresh = a_.Get("new");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->expires_at, clock_.Now() + seconds(30));  // remaining lifetime only
  EXPECT_EQ(fresh->ttl_seconds, 600);                        // X-Original-TTL kept
}

// Delivers requests of one node to another node's AntiEntropy handlers, synchronously; records
// which peers got a digest request; a listed host answers 404 like an upstream node.
class LoopbackTransport final : public Transport {
 public:
  void Post(OutboundRequest req, std::function<void(TransportResult)> done) override {
    if (req.path == kAntiEntropyDigestPath) digests_to.push_back(req.host);
    if (upstream_hosts.contains(req.host)) return done(testing::FakeTransport::Answer(404, ""));
    auto it = targets.find(req.host);
    if (it == targets.end()) return done(testing::FakeTransport::Answer(0, ""));
    std::string signature = testing::FakeTransport::Header(req, kSignatureHeader);
    // Only success matters to the requesting side; the status mapping itself lives in app.
    auto reply = [done](PeerReply r) {
      done(testing::FakeTransport::Answer(r.ok() ? 200 : 400, r.detail));
    };
    if (req.path == kAntiEntropyDigestPath) {
      it->second->HandleDigest(std::string(req.body.view()), signature, reply);
    } else if (req.path == kAntiEntropyDiffPath) {
      it->second->HandleDiff(std::string(req.body.view()), signature, reply);
    } else {
      it->second->HandlePush(std::string(req.body.view()), signature, reply);
    }
  }

  std::map<std::string, AntiEntropy*> targets;
  std::set<std::string> upstream_hosts;
  std::vector<std::string> digests_to;
};

NodeInfo PeerInfo(const std::string& id) {
  return NodeInfo{
      .id = id, .address = id, .gossip_port = 9090, .http_port = 8080, .enclave = "default"};
}

// Node "a" (under test) and its peers, each an AntiEntropy over its own TtlStore, all on one
// FakeClock/FakeScheduler and one LoopbackTransport, with work run inline.
class AntiEntropyTest : public ::testing::Test {
 protected:
  struct Member {
    std::unique_ptr<TtlStore> store;
    std::unique_ptr<AntiEntropy> ae;
  };

  AntiEntropyConfig Config(const std::string& id) {
    return AntiEntropyConfig{.node_id = id,
                             .enclave = "default",
                             .secret = "s3cret",
                             .interval = seconds(10),
                             .tick = seconds(5)};
  }

  Member& Add(const std::string& id) {
    Member& m = members_[id];
    m.store = std::make_unique<TtlStore>(clock_, 0);
    m.ae = std::make_unique<AntiEntropy>(
        Config(id), AntiEntropyDeps{.scheduler = scheduler_,
                                    .rng = rng_,
                                    .transport = transport_,
                                    .store = *m.store,
                                    .peers = [this, id] { return PeersOf(id); },
                                    .background = [](std::function<void()> fn) { fn(); }});
    transport_.targets[id] = m.ae.get();
    return m;
  }

  std::vector<NodeInfo> PeersOf(const std::string& self) {
    std::vector<NodeInfo> out;
    for (const auto& [id, m] : members_) {
      if (id != self) out.push_back(PeerInfo(id));
    }
    return out;
  }

  uint64_t Rounds(const AntiEntropy& ae) {
    return ae.metrics().rounds_equal + ae.metrics().rounds_repaired + ae.metrics().rounds_failed;
  }

  FakeClock clock_;
  FakeScheduler scheduler_{clock_};
  testing::SeededRng rng_{7};
  LoopbackTransport transport_;
  std::map<std::string, Member> members_;
};

TEST_F(AntiEntropyTest, RoundRepairsBothDirectionsAndLaterExpiryWins) {
  Member& a = Add("a");
  Member& b = Add("b");
  for (int i = 0; i < 300; ++i) {
    const std::string key = "shared-" + std::to_string(i);
    ASSERT_TRUE(a.store->Put(key, "v", 600).ok());
    ASSERT_TRUE(b.store->Put(key, "v", 600).ok());
  }
  ASSERT_TRUE(a.store->Put("only-a", "A", 600).ok());  // e.g. a 202 write nobody heard
  ASSERT_TRUE(b.store->Put("only-b", "B", 600).ok());  // e.g. missed while frozen
  ASSERT_TRUE(a.store->Put("conflict", "older", 300).ok());
  ASSERT_TRUE(b.store->Put("conflict", "newer", 900).ok());
  ASSERT_TRUE(a.store->Put("conflict2", "newer", 900).ok());
  ASSERT_TRUE(b.store->Put("conflict2", "older", 300).ok());
  clock_.Advance(seconds(1));

  a.ae->OnPeerRejoined(PeerInfo("b"));

  EXPECT_EQ(a.ae->metrics().rounds_repaired, 1u);
  EXPECT_EQ(a.ae->metrics().entries_pulled, 2u);  // only-b, conflict
  EXPECT_EQ(a.ae->metrics().entries_pushed, 2u);  // only-a, conflict2
  EXPECT_EQ(b.ae->metrics().entries_pulled, 2u);
  EXPECT_EQ(a.store->Get("only-b")->value, "B");
  EXPECT_EQ(a.store->Get("only-b")->expires_at, clock_.Now() + seconds(599));  // never extended
  EXPECT_EQ(b.store->Get("only-a")->value, "A");
  EXPECT_EQ(a.store->Get("conflict")->value, "newer");
  EXPECT_EQ(b.store->Get("conflict2")->value, "newer");
  EXPECT_EQ(a.store->entry_count(), 304u);
  EXPECT_EQ(b.store->entry_count(), 304u);

  // Now equal: the next round exchanges only digests.
  clock_.Advance(seconds(11));
  a.ae->OnPeerRejoined(PeerInfo("b"));
  EXPECT_EQ(a.ae->metrics().rounds_equal, 1u);
  EXPECT_EQ(a.ae->metrics().entries_pulled, 2u);
  EXPECT_GT(a.ae->metrics().digest_bytes, 0u);
}

TEST_F(AntiEntropyTest, PeriodicRoundsPickAPeerEveryInterval) {
  Member& a = Add("a");
  Add("b");
  a.ae->Start();
  scheduler_.AdvanceBy(seconds(9));
  EXPECT_EQ(Rounds(*a.ae), 0u);
  scheduler_.AdvanceBy(seconds(1));
  EXPECT_EQ(Rounds(*a.ae), 1u);
  scheduler_.AdvanceBy(seconds(10));
  EXPECT_EQ(Rounds(*a.ae), 2u);
  EXPECT_EQ(a.ae->metrics().rounds_equal, 2u);
}

TEST_F(AntiEntropyTest, RejoinTriggerIsRateLimitedPerPeer) {
  Member& a = Add("a");
  Add("b");
  Add("c");
  a.ae->OnPeerRejoined(PeerInfo("b"));
  a.ae->OnPeerRejoined(PeerInfo("b"));  // within one interval: ignored
  a.ae->OnPeerRejoined(PeerInfo("c"));  // another peer: runs
  EXPECT_EQ(transport_.digests_to, (std::vector<std::string>{"b", "c"}));
  clock_.Advance(seconds(10));
  a.ae->OnPeerRejoined(PeerInfo("b"));
  EXPECT_EQ(transport_.digests_to.size(), 3u);
}

TEST_F(AntiEntropyTest, OtherEnclaveRejoinIsIgnoredAndZeroIntervalIsOff) {
  Member& a = Add("a");
  Add("b");
  NodeInfo stranger = PeerInfo("b");
  stranger.enclave = "other";
  a.ae->OnPeerRejoined(stranger);
  EXPECT_TRUE(transport_.digests_to.empty());

  TtlStore store(clock_, 0);
  AntiEntropyConfig off = Config("off");
  off.interval = Duration::zero();
  AntiEntropy disabled(off, AntiEntropyDeps{.scheduler = scheduler_,
                                            .rng = rng_,
                                            .transport = transport_,
                                            .store = store,
                                            .peers = [] { return std::vector{PeerInfo("b")}; },
                                            .background = [](std::function<void()> fn) { fn(); }});
  disabled.Start();
  disabled.OnPeerRejoined(PeerInfo("b"));
  scheduler_.AdvanceBy(seconds(100));
  EXPECT_TRUE(transport_.digests_to.empty());
}

TEST_F(AntiEntropyTest, LateTimerStartsRoundsAtOnce) {
  Member& a = Add("a");
  Add("b");
  Add("c");
  a.ae->Start();
  scheduler_.AdvanceBy(seconds(5));  // first tick, on time, no round due yet
  EXPECT_TRUE(transport_.digests_to.empty());
  clock_.Advance(seconds(4));  // the process is frozen: the tick due at 10 s fires at 20.5 s
  clock_.Advance(milliseconds(11'500));
  scheduler_.AdvanceBy(Duration::zero());
  EXPECT_EQ(transport_.digests_to, (std::vector<std::string>{"b", "c"}));
}

TEST_F(AntiEntropyTest, SlightlyLateTimerIsNotATrigger) {
  Member& a = Add("a");
  Add("b");
  Add("c");
  a.ae->Start();
  clock_.Advance(seconds(5) + seconds(9));  // 9 s late: within two ticks (10 s)
  scheduler_.AdvanceBy(Duration::zero());
  // Only the periodic round that fell due (one random peer), not one with every peer.
  EXPECT_EQ(transport_.digests_to.size(), 1u);
}

TEST_F(AntiEntropyTest, UpstreamPeerAnswering404IsNeverChosenAgain) {
  Member& a = Add("a");
  Add("up");
  transport_.upstream_hosts.insert("up");
  a.ae->OnPeerRejoined(PeerInfo("up"));
  EXPECT_TRUE(a.ae->IsUpstream("up"));
  EXPECT_EQ(a.ae->metrics().rounds_failed, 1u);
  a.ae->Start();
  scheduler_.AdvanceBy(seconds(100));
  clock_.Advance(seconds(100));
  a.ae->OnPeerRejoined(PeerInfo("up"));
  EXPECT_EQ(transport_.digests_to, std::vector<std::string>{"up"});  // only the first time
}

TEST_F(AntiEntropyTest, HandlersCheckSignatureBodyAndEnclave) {
  Member& a = Add("a");
  std::vector<PeerReply> replies;
  auto keep = [&](PeerReply r) { replies.push_back(std::move(r)); };
  const std::string body = EncodeDigestRequest(
      {.node_id = "x", .enclave = "default", .buckets = 16, .cutoff_unix_ms = 1});
  a.ae->HandleDigest(body, "", keep);
  a.ae->HandleDigest(body, std::string(64, '0'), keep);
  a.ae->HandleDigest("{not json", SignBody("s3cret", "{not json"), keep);
  const std::string zero = R"({"node_id":"x","enclave":"default","buckets":0,"cutoff_unix_ms":1})";
  a.ae->HandleDigest(zero, SignBody("s3cret", zero), keep);
  const std::string other =
      EncodeDigestRequest({.node_id = "x", .enclave = "other", .buckets = 16, .cutoff_unix_ms = 1});
  a.ae->HandleDigest(other, SignBody("s3cret", other), keep);
  a.ae->HandleDigest(body, SignBody("s3cret", body), keep);
  const std::string bad_push = R"({"node_id":"x","enclave":"default","entries":[{"key":""}]})";
  a.ae->HandlePush(bad_push, SignBody("s3cret", bad_push), keep);
  ASSERT_EQ(replies.size(), 7u);
  EXPECT_EQ(replies[0].outcome, PeerOutcome::kMissingSignature);
  EXPECT_EQ(replies[1].outcome, PeerOutcome::kInvalidSignature);
  EXPECT_EQ(replies[2].outcome, PeerOutcome::kInvalidJson);
  EXPECT_EQ(replies[3].outcome, PeerOutcome::kInvalidJson);
  EXPECT_EQ(replies[4].outcome, PeerOutcome::kEnclaveConflict);
  EXPECT_EQ(replies[5].outcome, PeerOutcome::kDocument);
  Result<std::vector<uint64_t>> digest = ParseDigestResponse(replies[5].detail);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->size(), 16u);
  EXPECT_EQ(replies[6].outcome, PeerOutcome::kInvalidJson);
}

TEST(AntiEntropyCodecTest, DiffRequestRoundTripsAndRejectsBadIds) {
  DiffRequest req{
      .scope = {.node_id = "a", .enclave = "default", .buckets = 8, .cutoff_unix_ms = 1234},
      .bucket_ids = {1, 7},
      .summary = {{1, 2, 3}, {~uint64_t{0}, 5, 0}}};
  Result<DiffRequest> back = ParseDiffRequest(EncodeDiffRequest(req));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->bucket_ids, req.bucket_ids);
  ASSERT_EQ(back->summary.size(), 2u);
  EXPECT_EQ(back->summary[1].key_hash, ~uint64_t{0});
  req.bucket_ids = {8};
  EXPECT_FALSE(ParseDiffRequest(EncodeDiffRequest(req)).ok());
}

}  // namespace
}  // namespace repram::cluster
