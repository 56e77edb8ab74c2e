#include "mcp/remote_node_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mcp/mcp_server.h"
#include "util/fake_clock.h"
#include "util/rfc3339.h"
#include "util/strings.h"

namespace repram::mcp {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// Records requests and answers them from a script, synchronously.
class FakeSender {
 public:
  void Reply(RemoteResponse response) { script_.push_back(std::move(response)); }
  void Reply(unsigned status, std::vector<std::pair<std::string, std::string>> headers = {},
             std::string body = {}) {
    Reply(RemoteResponse{"", status, std::move(headers), std::move(body)});
  }
  HttpSender sender() {
    return [this](RemoteRequest req, std::function<void(RemoteResponse)> done) {
      requests.push_back(std::move(req));
      ASSERT_FALSE(script_.empty()) << "unexpected request " << requests.back().target;
      RemoteResponse next = std::move(script_.front());
      script_.pop_front();
      done(std::move(next));
    };
  }
  std::vector<RemoteRequest> requests;

 private:
  std::deque<RemoteResponse> script_;
};

class RemoteNodeApiTest : public ::testing::Test {
 protected:
  RemoteNodeApiTest() : api_(*ParseRemoteUrl("http://127.0.0.1:8080/"), fake_.sender(), clock_) {}

  Result<StoreReceipt> Store(std::string key, std::string value, std::optional<int64_t> ttl) {
    std::optional<Result<StoreReceipt>> out;
    api_.Store(std::move(key), std::move(value), ttl,
               [&](Result<StoreReceipt> r) { out.emplace(std::move(r)); });
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  Result<std::optional<Entry>> Retrieve(std::string key) {
    std::optional<Result<std::optional<Entry>>> out;
    api_.Retrieve(std::move(key),
                  [&](Result<std::optional<Entry>> r) { out.emplace(std::move(r)); });
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  Result<std::optional<EntryMeta>> Exists(std::string key) {
    std::optional<Result<std::optional<EntryMeta>>> out;
    api_.Exists(std::move(key), [&](Result<std::optional<EntryMeta>> r) { out.emplace(r); });
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  Result<KeyListing> List(std::string prefix, std::string cursor, int64_t limit) {
    std::optional<Result<KeyListing>> out;
    api_.ListKeys(std::move(prefix), std::move(cursor), limit,
                  [&](Result<KeyListing> r) { out.emplace(std::move(r)); });
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  FakeClock clock_;
  FakeSender fake_;
  RemoteNodeApi api_;
};

TEST(ParseRemoteUrlTest, AcceptsHttpUrlsAndStripsTrailingSlash) {
  Result<RemoteEndpoint> e = ParseRemoteUrl("http://127.0.0.1:8080/");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->url, "http://127.0.0.1:8080");
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 8080);
  EXPECT_EQ(e->base_path, "");

  e = ParseRemoteUrl("HTTP://node.example");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "node.example");
  EXPECT_EQ(e->port, 80);

  e = ParseRemoteUrl("http://[::1]:9000/repram//");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 9000);
  EXPECT_EQ(e->base_path, "/repram");
  EXPECT_EQ(e->url, "http://[::1]:9000/repram");
}

TEST(ParseRemoteUrlTest, RejectsOtherSchemesWithSpecText) {
  for (const char* url : {"https://a:1", "ftp://a", "a:8080", ""}) {
    Result<RemoteEndpoint> e = ParseRemoteUrl(url);
    ASSERT_FALSE(e.ok()) << url;
    EXPECT_EQ(e.status().message(), "REPRAM_URL: only http:// URLs are supported");
  }
}

TEST(ParseRemoteUrlTest, RejectsMalformedUrls) {
  for (const char* url :
       {"http://", "http://:80", "http://a:0", "http://a:65536", "http://a:x",
        "http://a:", "http://u@a", "http://[::1", "http://a/p?q=1", "http://a:+80"}) {
    Result<RemoteEndpoint> e = ParseRemoteUrl(url);
    ASSERT_FALSE(e.ok()) << url;
    EXPECT_EQ(e.status().message(), std::string("REPRAM_URL: invalid URL: ") + url);
  }
}

TEST_F(RemoteNodeApiTest, StoreSendsPutWithTtlAndMaps201ToReplicated) {
  fake_.Reply(201, {{"X-Created-At", "2026-11-27T23:47:41.688Z"}, {"X-Original-TTL", "300"}});
  Result<StoreReceipt> r = Store("a b", "payload", 10);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->replicated);
  EXPECT_EQ(r->ttl_seconds, 300);
  EXPECT_EQ(FormatRfc3339Millis(r->created_at), "2026-11-27T23:47:41.688Z");
  ASSERT_EQ(fake_.requests.size(), 1u);
  const RemoteRequest& req = fake_.requests[0];
  EXPECT_EQ(req.method, "PUT");
  EXPECT_EQ(req.host, "127.0.0.1");
  EXPECT_EQ(req.port, 8080);
  EXPECT_EQ(req.target, "/v1/data/a%20b");
  EXPECT_EQ(req.body, "payload");
  EXPECT_EQ(req.timeout, std::chrono::seconds(10));
  EXPECT_THAT(req.headers,
              ElementsAre(Pair("Content-Type", "application/octet-stream"), Pair("X-TTL", "10")));
}

TEST_F(RemoteNodeApiTest, StoreWithoutTtlSendsNoXTtlAndMaps202ToPending) {
  fake_.Reply(202, {{"x-created-at", "2026-11-27T23:47:41.688Z"}, {"x-original-ttl", "1800"}});
  Result<StoreReceipt> r = Store("k", "v", std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->replicated);
  EXPECT_EQ(r->ttl_seconds, 1800);
  EXPECT_THAT(fake_.requests[0].headers,
              ElementsAre(Pair("Content-Type", "application/octet-stream")));
}

TEST_F(RemoteNodeApiTest, StoreAsksHeadWhenPutCarriesNoTtlHeaders) {
  fake_.Reply(201, {}, "OK");
  fake_.Reply(200, {{"X-Created-At", "2026-11-27T23:56:12Z"},
                    {"X-Original-Ttl", "600"},
                    {"X-Remaining-Ttl", "599"}});
  Result<StoreReceipt> r = Store("hello", "world", 600);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ttl_seconds, 600);
  EXPECT_EQ(FormatRfc3339Millis(r->created_at), "2026-11-27T23:56:12.000Z");
  ASSERT_EQ(fake_.requests.size(), 2u);
  EXPECT_EQ(fake_.requests[1].method, "HEAD");
  EXPECT_EQ(fake_.requests[1].target, "/v1/data/hello");
}

TEST_F(RemoteNodeApiTest, StoreFallsBackToLocalClampWhenHeadFails) {
  fake_.Reply(202, {}, "Accepted (quorum pending)");
  fake_.Reply(404);
  Result<StoreReceipt> r = Store("k", "v", 10);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->replicated);
  EXPECT_EQ(r->ttl_seconds, 300);
  EXPECT_EQ(r->created_at, clock_.WallNow());

  fake_.Reply(201);
  fake_.Reply(RemoteResponse{"timeout", 0, {}, {}});
  r = Store("k", "v", std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ttl_seconds, 1800);
}

TEST_F(RemoteNodeApiTest, StoreFailuresCarrySpecTexts) {
  fake_.Reply(507, {}, "Node storage capacity exceeded\n");
  Result<StoreReceipt> r = Store("k", "v", std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFull);
  EXPECT_EQ(r.status().message(), "Store failed with status 507: Insufficient Storage");

  fake_.Reply(413);
  r = Store("k", "v", std::nullopt);
  EXPECT_EQ(r.status().message(), "Store failed with status 413: Payload Too Large");

  fake_.Reply(RemoteResponse{"Connection refused", 0, {}, {}});
  r = Store("k", "v", std::nullopt);
  EXPECT_EQ(r.status().message(), "connection to http://127.0.0.1:8080 failed: Connection refused");
}

TEST_F(RemoteNodeApiTest, RetrieveMapsHeadersAndNormalizesGoTimestamps) {
  fake_.Reply(200,
              {{"Content-Type", "application/octet-stream"},
               {"X-Created-At", "2026-11-28T01:56:12.5+02:00"},
               {"X-Original-Ttl", "600"},
               {"X-Remaining-Ttl", "599"}},
              std::string("\0\x01", 2));
  Result<std::optional<Entry>> r = Retrieve("k/1");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  const Entry& e = **r;
  EXPECT_EQ(e.value, std::string("\0\x01", 2));
  EXPECT_EQ(FormatRfc3339Millis(e.meta.created_at), "2026-11-27T23:56:12.500Z");
  EXPECT_EQ(e.meta.ttl_seconds, 600);
  EXPECT_EQ(e.meta.remaining_ttl_seconds, 599);
  EXPECT_EQ(fake_.requests[0].method, "GET");
  EXPECT_EQ(fake_.requests[0].target, "/v1/data/k%2F1");
}

TEST_F(RemoteNodeApiTest, RetrieveMissAndFailure) {
  fake_.Reply(404);
  Result<std::optional<Entry>> r = Retrieve("k");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  fake_.Reply(429);
  r = Retrieve("k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Retrieve failed with status 429: Too Many Requests");
}

TEST_F(RemoteNodeApiTest, ExistsUsesHead) {
  fake_.Reply(200, {{"X-Created-At", "2026-11-27T23:43:54.492Z"},
                    {"X-Original-TTL", "300"},
                    {"X-Remaining-TTL", "299"}});
  Result<std::optional<EntryMeta>> r = Exists("k");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->remaining_ttl_seconds, 299);
  EXPECT_EQ(fake_.requests[0].method, "HEAD");
  fake_.Reply(404);
  r = Exists("k");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  fake_.Reply(500);
  EXPECT_EQ(Exists("k").status().message(), "Exists failed with status 500: Internal Server Error");
}

TEST_F(RemoteNodeApiTest, ListKeysSendsOnlyGivenParameters) {
  fake_.Reply(200, {}, R"({"keys":["a+b","a c"],"next_cursor":"a c"})");
  Result<KeyListing> r = List("a ", "a+", 2);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->keys, ElementsAre("a+b", "a c"));
  EXPECT_EQ(r->next_cursor, "a c");
  EXPECT_EQ(fake_.requests[0].method, "GET");
  EXPECT_EQ(fake_.requests[0].target, "/v1/keys?prefix=a%20&cursor=a%2B&limit=2");

  fake_.Reply(200, {}, "{\"keys\":null}\n");
  r = List("", "", 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->keys, IsEmpty());
  EXPECT_EQ(r->next_cursor, std::nullopt);
  EXPECT_EQ(fake_.requests[1].target, "/v1/keys?limit=1000");
}

TEST_F(RemoteNodeApiTest, ListKeysRejectsBadBodiesAndStatuses) {
  for (const char* body : {"nope", "[]", R"({"keys":[1]})", R"({"keys":"a"})", "{}"}) {
    fake_.Reply(200, {}, body);
    Result<KeyListing> r = List("", "", 10);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().message(), "List keys failed: invalid response body");
  }
  fake_.Reply(503);
  EXPECT_EQ(List("", "", 10).status().message(),
            "List keys failed with status 503: Service Unavailable");
}

TEST_F(RemoteNodeApiTest, BasePathPrefixesEveryTarget) {
  RemoteNodeApi api(*ParseRemoteUrl("http://h:1/base/"), fake_.sender(), clock_);
  fake_.Reply(404);
  api.Exists("k", [](Result<std::optional<EntryMeta>>) {});
  EXPECT_EQ(fake_.requests[0].target, "/base/v1/data/k");
}

TEST_F(RemoteNodeApiTest, StoreToolReportsPendingQuorumFromA202) {
  McpServer server(api_, TtlBounds{});
  McpSession session;
  fake_.Reply(202, {{"X-Created-At", "2026-11-27T23:47:41.688Z"}, {"X-Original-TTL", "300"}});
  std::string reply;
  ASSERT_TRUE(server.HandleText(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"repram_store","arguments":{"key":"k1","data":"hello","ttl_seconds":10}}})",
      session, [&](std::string r) { reply = std::move(r); }));
  EXPECT_EQ(Json::parse(reply)["result"]["structuredContent"],
            Json::parse(R"({"key":"k1","ttl_seconds":300,"ttl_clamped":true,
                "created_at":"2026-11-27T23:47:41.688Z","expires_at":"2026-11-27T23:52:41.688Z",
                "replicated":false})"));
}

}  // namespace
}  // namespace repram::mcp
