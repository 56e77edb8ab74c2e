#include "app/wire_results.h"

#include <gtest/gtest.h>

namespace repram {
namespace {

WriteOutcome Outcome(WriteResult result) {
  WriteOutcome o;
  o.result = result;
  o.ttl = 600;
  o.created_at = WallTime(std::chrono::milliseconds(1700000000123));
  return o;
}

std::string Header(const http::Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(WriteResponseTest, StoredWritesAre201Or202WithTheEntryHeaders) {
  const http::Response quorum = WriteResponse(Outcome(WriteResult::kStoredWithQuorum));
  EXPECT_EQ(quorum.status, 201u);
  EXPECT_EQ(quorum.body, "OK");
  EXPECT_EQ(quorum.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(Header(quorum, "X-Created-At"), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(Header(quorum, "X-Original-TTL"), "600");
  const http::Response pending = WriteResponse(Outcome(WriteResult::kStoredPending));
  EXPECT_EQ(pending.status, 202u);
  EXPECT_EQ(pending.body, "Accepted (quorum pending)");
  EXPECT_EQ(Header(pending, "X-Original-TTL"), "600");
}

TEST(WriteResponseTest, RefusedWritesAre507Or500WithoutEntryHeaders) {
  const http::Response full = WriteResponse(Outcome(WriteResult::kStorageFull));
  EXPECT_EQ(full.status, 507u);
  EXPECT_EQ(full.body, "Node storage capacity exceeded\n");
  EXPECT_TRUE(full.headers.empty());
  WriteOutcome failed = Outcome(WriteResult::kFailed);
  failed.error = "boom";
  const http::Response r = WriteResponse(failed);
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.body, "Write failed: boom\n");
}

TEST(WriteStatusTest, OneStatusPerResult) {
  EXPECT_EQ(WriteStatus(WriteResult::kStoredWithQuorum), 201u);
  EXPECT_EQ(WriteStatus(WriteResult::kStoredPending), 202u);
  EXPECT_EQ(WriteStatus(WriteResult::kStorageFull), 507u);
  EXPECT_EQ(WriteStatus(WriteResult::kFailed), 500u);
}

TEST(PeerResponseTest, EveryOutcomeHasItsSpecAnswer) {
  using cluster::PeerOutcome;
  const struct {
    PeerOutcome outcome;
    std::string detail;
    unsigned status;
    std::string content_type;
    std::string body;
  } cases[] = {
      {PeerOutcome::kAccepted, "", 200, "application/json", "{\"success\":true}\n"},
      {PeerOutcome::kDocument, "{\"success\":true,\"peers\":[]}\n", 200, "application/json",
       "{\"success\":true,\"peers\":[]}\n"},
      {PeerOutcome::kMissingSignature, "", 403, "text/plain; charset=utf-8", "Missing signature\n"},
      {PeerOutcome::kInvalidSignature, "", 403, "text/plain; charset=utf-8", "Invalid signature\n"},
      {PeerOutcome::kInvalidJson, "", 400, "text/plain; charset=utf-8", "Invalid JSON\n"},
      {PeerOutcome::kInvalidMessage, "key required", 400, "text/plain; charset=utf-8",
       "Invalid message: key required\n"},
      {PeerOutcome::kNotBootstrapRoot, "", 403, "application/json",
       "{\"error\":\"not a bootstrap root\"}\n"},
      {PeerOutcome::kEnclaveMismatch, "", 403, "text/plain; charset=utf-8", "Enclave mismatch\n"},
      {PeerOutcome::kNotServed, "", 404, "text/plain; charset=utf-8", "404 page not found\n"},
      {PeerOutcome::kTooLarge, "", 413, "text/plain; charset=utf-8", "Request too large\n"},
  };
  for (const auto& c : cases) {
    const http::Response r = PeerResponse({c.outcome, c.detail});
    EXPECT_EQ(r.status, c.status) << c.body;
    EXPECT_EQ(r.content_type, c.content_type) << c.body;
    EXPECT_EQ(r.body, c.body);
  }
}

}  // namespace
}  // namespace repram
