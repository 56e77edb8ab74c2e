// POST /v1/catchup, serving side (cluster.md §12), through ClusterNode::HandleCatchup.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cluster/catchup_codec.h"
#include "cluster/cluster_node.h"
#include "cluster/hmac.h"
#include "cluster/testing/fake_rng.h"
#include "cluster/testing/fake_transport.h"
#include "cluster/testing/memory_store.h"
#include "store/ttl_store.h"
#include "util/fake_clock.h"
#include "util/fake_scheduler.h"

namespace repram::cluster {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class CatchupServerTest : public ::testing::Test {
 protected:
  // background = the node's executor for catch-up work; empty = inline.
  void MakeNode(const std::string& secret = "", TtlStore* store = nullptr,
                std::function<void(std::function<void()>)> background = {}) {
    ClusterConfig config;
    config.node_id = "node-a";
    config.address = "10.0.0.1";
    config.enclave = "blue";
    config.secret = secret;
    secret_ = secret;
    node_ = std::make_unique<ClusterNode>(config, ClusterDeps{.scheduler = scheduler_,
                                                              .rng = rng_,
                                                              .transport = transport_,
                                                              .store = replicas_,
                                                              .catchup_store = store,
                                                              .background = std::move(background)});
  }
  // Calls HandleCatchup and returns its reply when it came before returning.
  std::optional<PeerReply> Handle(const std::string& body, const std::string& signature) {
    std::optional<PeerReply> out;
    node_->HandleCatchup(body, signature, [&out](PeerReply r) { out = std::move(r); });
    return out;
  }
  // Handle with an inline executor: the reply is there.
  PeerReply HandleNow(const std::string& body, const std::string& signature) {
    std::optional<PeerReply> reply = Handle(body, signature);
    EXPECT_TRUE(reply.has_value());
    return reply.value_or(PeerReply{PeerOutcome::kShuttingDown});
  }
  void SetUp() override { MakeNode("", &store_); }

  // Returns the body of a request from node-c.
  static std::string Body(const std::string& enclave, const std::string& cursor = "",
                          int64_t limit = kCatchupDefaultLimit) {
    CatchupRequest req;
    req.node_id = "node-c";
    req.enclave = enclave;
    req.cursor = cursor;
    req.limit = limit;
    return EncodeCatchupRequest(req);
  }
  // Sends a request body, signed when the node has a secret.
  PeerReply Ask(const std::string& body) {
    return HandleNow(body, secret_.empty() ? "" : SignBody(secret_, body));
  }
  // Asks for one page after cursor with the given limit and parses the 200 answer.
  CatchupPage Page(const std::string& cursor, int64_t limit) {
    const PeerReply reply = Ask(Body("blue", cursor, limit));
    EXPECT_EQ(reply.outcome, PeerOutcome::kDocument) << reply.detail;
    Result<CatchupPage> page = ParseCatchupPage(reply.detail);
    EXPECT_TRUE(page.ok()) << reply.detail;
    return page.ok() ? *page : CatchupPage{};
  }
  static std::vector<std::string> Keys(const CatchupPage& page) {
    std::vector<std::string> keys;
    for (const CatchupEntry& e : page.entries) keys.push_back(e.key);
    return keys;
  }
  void PutNumbered(int count, size_t value_size = 3) {
    for (int i = 0; i < count; ++i) {
      char key[16];
      std::snprintf(key, sizeof key, "k%05d", i);
      ASSERT_TRUE(store_.Put(key, std::string(value_size, 'v'), 600).ok());
    }
  }

  FakeClock clock_;
  FakeScheduler scheduler_{clock_};
  testing::FakeTransport transport_;
  testing::MemoryStore replicas_;
  testing::SeededRng rng_{1};
  TtlStore store_{clock_, 0};
  std::string secret_;
  std::unique_ptr<ClusterNode> node_;
};

TEST_F(CatchupServerTest, PagesInByteOrderStrictlyAfterTheCursor) {
  PutNumbered(25);
  CatchupPage first = Page("", 10);
  ASSERT_EQ(first.entries.size(), 10u);
  EXPECT_EQ(first.entries.front().key, "k00000");
  EXPECT_EQ(first.next_cursor, "k00009");
  CatchupPage second = Page(*first.next_cursor, 10);
  EXPECT_EQ(second.entries.front().key, "k00010");
  EXPECT_EQ(second.next_cursor, "k00019");
  CatchupPage last = Page(*second.next_cursor, 10);
  EXPECT_EQ(Keys(last),
            (std::vector<std::string>{"k00020", "k00021", "k00022", "k00023", "k00024"}));
  EXPECT_FALSE(last.next_cursor.has_value());
  // A cursor that is not a stored key still means "strictly after"; a final page of exactly
  // `limit` entries has no next_cursor.
  EXPECT_EQ(Keys(Page("k00019x", 5)),
            (std::vector<std::string>{"k00020", "k00021", "k00022", "k00023", "k00024"}));
  EXPECT_FALSE(Page("k00019x", 5).next_cursor.has_value());
  EXPECT_TRUE(Page("k00024", 5).entries.empty());
}

TEST_F(CatchupServerTest, CarriesValueRemainingAndOriginalTtl) {
  ASSERT_TRUE(store_.Put("k", std::string("\0bin\xff", 5), 600).ok());
  clock_.Advance(milliseconds(100'400));  // 499.6 s left: whole seconds, never rounded up
  CatchupPage page = Page("", 10);
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0].value, std::string("\0bin\xff", 5));
  EXPECT_EQ(page.entries[0].remaining_ttl, 499);
  EXPECT_EQ(page.entries[0].original_ttl, 600);
}

TEST_F(CatchupServerTest, OnlyEntriesWithAtLeastOneSecondToLive) {
  ASSERT_TRUE(store_.Put("a-short", "v", 2).ok());
  ASSERT_TRUE(store_.Put("b-long", "v", 3).ok());
  ASSERT_TRUE(store_.Put("c-gone", "v", 1).ok());
  clock_.Advance(milliseconds(1500));  // 0.5 s, 1.5 s and expired
  CatchupPage page = Page("", 10);
  EXPECT_EQ(Keys(page), std::vector<std::string>{"b-long"});
  EXPECT_EQ(page.entries[0].remaining_ttl, 1);
}

TEST_F(CatchupServerTest, LimitIsClampedAndDefaultsToAThousand) {
  PutNumbered(10'050);
  EXPECT_EQ(Page("", 50'000).entries.size(), 10'000u);
  EXPECT_EQ(Page("", 0).entries.size(), 1u);
  EXPECT_EQ(Page("", -3).entries.size(), 1u);
  const PeerReply reply = Ask(R"({"node_id":"node-c","enclave":"blue"})");
  ASSERT_EQ(reply.outcome, PeerOutcome::kDocument);
  Result<CatchupPage> page = ParseCatchupPage(reply.detail);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries.size(), 1000u);
  EXPECT_EQ(page->next_cursor, "k00999");
}

TEST_F(CatchupServerTest, PageEndsOnceItsEncodedSizePassesEightMiB) {
  PutNumbered(10, 1 << 20);  // 1 MiB values: ~1.33 MiB each in base64
  const PeerReply reply = Ask(Body("blue", "", 10));
  ASSERT_EQ(reply.outcome, PeerOutcome::kDocument);
  Result<CatchupPage> page = ParseCatchupPage(reply.detail);
  ASSERT_TRUE(page.ok());
  const size_t n = page->entries.size();
  ASSERT_GT(n, 0u);
  ASSERT_LT(n, 10u);
  EXPECT_EQ(page->next_cursor, page->entries.back().key);
  // The page passed 8 MiB with its last entry and not before it.
  const size_t per_entry = (reply.detail.size() - 40) / n;
  EXPECT_GT(reply.detail.size(), kCatchupPageBytes);
  EXPECT_LE(reply.detail.size() - per_entry, kCatchupPageBytes);
  // The next page resumes right after it.
  CatchupPage next = Page(*page->next_cursor, 10);
  ASSERT_FALSE(next.entries.empty());
  char expected[16];
  std::snprintf(expected, sizeof expected, "k%05zu", n);
  EXPECT_EQ(next.entries.front().key, expected);
}

TEST_F(CatchupServerTest, MalformedBodiesAre400InvalidJson) {
  for (const char* body : {"", "not json", "[1]", R"({"limit":"10"})", R"({"cursor":1})"}) {
    const PeerReply reply = Ask(body);
    EXPECT_EQ(reply.outcome, PeerOutcome::kInvalidJson) << body;
  }
}

TEST_F(CatchupServerTest, AnotherEnclaveGetsNothing) {
  PutNumbered(3);
  const PeerReply reply = Ask(Body("red"));
  EXPECT_EQ(reply.outcome, PeerOutcome::kEnclaveMismatch);
}

TEST_F(CatchupServerTest, HmacIsRequiredWhenASecretIsSet) {
  MakeNode("s3cret", &store_);
  PutNumbered(3);
  const std::string body = Body("blue");
  PeerReply reply = HandleNow(body, "");
  EXPECT_EQ(reply.outcome, PeerOutcome::kMissingSignature);
  reply = HandleNow(body, SignBody("other", body));
  EXPECT_EQ(reply.outcome, PeerOutcome::kInvalidSignature);
  // The signature is checked before parsing.
  EXPECT_EQ(HandleNow("not json", "").outcome, PeerOutcome::kMissingSignature);
  EXPECT_EQ(HandleNow(body, SignBody("s3cret", body)).outcome, PeerOutcome::kDocument);
}

TEST_F(CatchupServerTest, WithoutAStoreTheRouteIsUnknown) {
  MakeNode("", nullptr);
  const PeerReply reply = Ask("{}");
  EXPECT_EQ(reply.outcome, PeerOutcome::kNotServed);
}

// Issue #12: the page is built by the injected executor, not on the calling (I/O) thread, and
// the answer comes from there.
TEST_F(CatchupServerTest, PagesAreBuiltOnTheBackgroundExecutor) {
  std::deque<std::function<void()>> queued;
  MakeNode("s3cret", &store_,
           [&queued](std::function<void()> work) { queued.push_back(std::move(work)); });
  PutNumbered(3);
  const std::string body = Body("blue");
  std::optional<PeerReply> first;  // outlives the queued work that answers into it
  node_->HandleCatchup(body, SignBody("s3cret", body),
                       [&first](PeerReply r) { first = std::move(r); });
  EXPECT_FALSE(first.has_value());  // nothing done inline
  ASSERT_EQ(queued.size(), 1u);
  std::optional<PeerReply> reply;
  node_->HandleCatchup(body, "", [&reply](PeerReply r) { reply = std::move(r); });
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_FALSE(reply.has_value());  // even the HMAC check waits for the executor
  queued.front()();
  queued.pop_front();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->outcome, PeerOutcome::kDocument);
  queued.front()();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->outcome, PeerOutcome::kMissingSignature);

  std::optional<PeerReply> page;
  node_->HandleCatchup(body, SignBody("s3cret", body),
                       [&page](PeerReply r) { page = std::move(r); });
  ASSERT_EQ(queued.size(), 2u);
  queued.back()();
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->outcome, PeerOutcome::kDocument);
  Result<CatchupPage> parsed = ParseCatchupPage(page->detail);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(Keys(*parsed), (std::vector<std::string>{"k00000", "k00001", "k00002"}));
}

TEST_F(CatchupServerTest, WorkQueuedBeforeStopAnswersShuttingDown) {
  std::deque<std::function<void()>> queued;
  MakeNode("", &store_,
           [&queued](std::function<void()> work) { queued.push_back(std::move(work)); });
  PutNumbered(3);
  std::optional<PeerReply> reply;
  node_->HandleCatchup(Body("blue"), "", [&reply](PeerReply r) { reply = std::move(r); });
  node_->Stop();
  ASSERT_EQ(queued.size(), 1u);
  queued.front()();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->outcome, PeerOutcome::kShuttingDown);
}

}  // namespace
}  // namespace repram::cluster
