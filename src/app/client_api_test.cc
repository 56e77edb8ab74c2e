// The client route handlers over a real TtlStore and DataService, a fake cluster and a FakeClock:
// what GET, HEAD, PUT, /v1/keys and /v1/health answer, without a server or socket.
#include "app/client_api.h"

#include <gtest/gtest.h>

#include <optional>

#include "util/fake_clock.h"

namespace repram {
namespace {

namespace bhttp = boost::beast::http;

// A cluster that answers every replication as told and has no peers.
class FakeClusterPort final : public ClusterPort {
 public:
  void Replicate(std::string_view key, std::string_view, int64_t,
                 std::function<void(bool)> done) override {
    replicated.emplace_back(key);
    done(quorum);
  }
  std::vector<PeerView> Peers() const override { return {}; }
  void RenderMetrics(PrometheusWriter&) const override {}

  bool quorum = true;
  std::vector<std::string> replicated;
};

class ClientApiTest : public ::testing::Test {
 protected:
  ClientApiTest() {
    AddClientRoutes(routes_, ClientApiDeps{.clock = clock_,
                                           .data = data_,
                                           .cluster = cluster_,
                                           .http_metrics = http_metrics_,
                                           .client_limiter = limiter_,
                                           .peer_limiter = limiter_,
                                           .identity = {.node_id = "node-a",
                                                        .network = "private",
                                                        .enclave = "default",
                                                        .started = clock_.Now()},
                                           .extra_metrics = {},
                                           .tree = [this] { return tree_; }});
  }

  // Runs the route of target with the given method and body; returns the response the handler
  // gave (every client handler answers synchronously).
  http::Response Call(bhttp::verb method, const std::string& target, std::string body = "",
                      std::optional<std::string> x_ttl = std::nullopt) {
    http::Request req(method, target, 11);
    if (x_ttl) req.set("X-TTL", *x_ttl);
    req.body() = std::move(body);
    const std::string_view t(target);
    const size_t q = t.find('?');
    const http::RouteSpec* route = routes_.Find(t.substr(0, q));
    EXPECT_NE(route, nullptr) << target;
    if (route == nullptr) return {};
    const http::RequestContext ctx{req, t.substr(0, q),
                                   q == std::string_view::npos ? "" : t.substr(q + 1), "127.0.0.1",
                                   clock_.Now()};
    std::optional<http::Response> answer;
    route->handler(ctx, [&answer](http::Response r) { answer = std::move(r); });
    EXPECT_TRUE(answer.has_value()) << target;
    return answer.value_or(http::Response{});
  }

  static std::string Header(const http::Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "<absent>";
  }

  FakeClock clock_;
  TtlStore store_{clock_, 1024};
  FakeClusterPort cluster_;
  TreeView tree_;
  DataService data_{clock_, store_, cluster_, TtlBounds{}};
  http::HttpMetrics http_metrics_{1, {"any", "other"}};
  http::RateLimiter limiter_{clock_, 10};
  http::RouteTable routes_;
};

TEST_F(ClientApiTest, PutStoresReplicatesAndAnswers201WithEntryHeaders) {
  const http::Response r = Call(bhttp::verb::put, "/v1/data/greeting", "hello", "600");
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(r.body, "OK");
  EXPECT_EQ(Header(r, "X-Original-TTL"), "600");
  EXPECT_EQ(Header(r, "X-Created-At"), "2026-03-01T12:00:00.000Z");
  EXPECT_EQ(cluster_.replicated, std::vector<std::string>{"greeting"});
  EXPECT_EQ(store_.Get("greeting")->value, "hello");
}

TEST_F(ClientApiTest, PutWithoutQuorumAnswers202AndQueryTtlBeatsHeader) {
  cluster_.quorum = false;
  const http::Response r = Call(bhttp::verb::put, "/v1/data/k?ttl=400", "v", "900");
  EXPECT_EQ(r.status, 202u);
  EXPECT_EQ(r.body, "Accepted (quorum pending)");
  EXPECT_EQ(Header(r, "X-Original-TTL"), "400");
}

TEST_F(ClientApiTest, PutOverCapacityAnswers507AndDoesNotReplicate) {
  const http::Response r = Call(bhttp::verb::put, "/v1/data/big", std::string(2048, 'x'));
  EXPECT_EQ(r.status, 507u);
  EXPECT_EQ(r.body, "Node storage capacity exceeded\n");
  EXPECT_TRUE(cluster_.replicated.empty());
}

TEST_F(ClientApiTest, BadKeysAnswer400WithTheReason) {
  EXPECT_EQ(Call(bhttp::verb::put, "/v1/data/a%2Fb", "v").body, "key must not contain '/'\n");
  const http::Response r = Call(bhttp::verb::get, "/v1/data/%zz");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.body, "malformed percent-encoding in key\n");
}

TEST_F(ClientApiTest, GetReturnsTheBytesAndTtlHeaders) {
  ASSERT_EQ(Call(bhttp::verb::put, "/v1/data/k%20x", std::string("a\0b", 3), "600").status, 201u);
  clock_.Advance(std::chrono::milliseconds(10500));
  const http::Response r = Call(bhttp::verb::get, "/v1/data/k%20x");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, std::string("a\0b", 3));
  EXPECT_EQ(r.content_type, "application/octet-stream");
  EXPECT_EQ(Header(r, "X-Original-TTL"), "600");
  EXPECT_EQ(Header(r, "X-Remaining-TTL"), "589");
  EXPECT_FALSE(r.omit_body);
}

TEST_F(ClientApiTest, HeadAnnouncesTheLengthWithoutABody) {
  ASSERT_EQ(Call(bhttp::verb::put, "/v1/data/k", "12345").status, 201u);
  const http::Response r = Call(bhttp::verb::head, "/v1/data/k");
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(r.omit_body);
  EXPECT_EQ(r.head_content_length, 5u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_NE(Header(r, "X-Remaining-TTL"), "<absent>");
}

TEST_F(ClientApiTest, MissingOrExpiredKeysAre404) {
  EXPECT_EQ(Call(bhttp::verb::get, "/v1/data/none").status, 404u);
  ASSERT_EQ(Call(bhttp::verb::put, "/v1/data/short", "v", "1").status, 201u);  // clamped to 300
  clock_.Advance(std::chrono::seconds(301));
  const http::Response head = Call(bhttp::verb::head, "/v1/data/short");
  EXPECT_EQ(head.status, 404u);
  EXPECT_TRUE(head.omit_body);
}

TEST_F(ClientApiTest, KeysListsByPrefixWithCursorWhenTruncated) {
  for (const char* k : {"app:1", "app:2", "app:3", "other"}) {
    ASSERT_EQ(Call(bhttp::verb::put, std::string("/v1/data/") + k, "v").status, 201u);
  }
  const http::Response page = Call(bhttp::verb::get, "/v1/keys?prefix=app%3A&limit=2");
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.content_type, "application/json");
  EXPECT_EQ(page.body, "{\"keys\":[\"app:1\",\"app:2\"],\"next_cursor\":\"app:2\"}\n");
  EXPECT_EQ(Call(bhttp::verb::get, "/v1/keys?prefix=app:&cursor=app:2").body,
            "{\"keys\":[\"app:3\"]}\n");
}

TEST_F(ClientApiTest, TopologyShowsTreeChildrenAndTheParentOnlyWhileAttached) {
  EXPECT_EQ(Call(bhttp::verb::get, "/v1/topology").body,
            R"({"node_id":"node-a","enclave":"default","role":"transient","peers":[],)"
            R"("children":[]})"
            "\n");
  tree_.children = {{"kid-1", "default"}, {"kid-2", "e2"}};
  tree_.parent_id = "sub-1";
  EXPECT_EQ(Call(bhttp::verb::get, "/v1/topology").body,
            R"({"node_id":"node-a","enclave":"default","role":"transient","peers":[],)"
            R"("children":[{"id":"kid-1","enclave":"default"},{"id":"kid-2","enclave":"e2"}],)"
            R"("parent_id":"sub-1"})"
            "\n");
}

TEST_F(ClientApiTest, HealthNamesTheNode) {
  const http::Response r = Call(bhttp::verb::get, "/v1/health");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body,
            "{\"status\":\"healthy\",\"node_id\":\"node-a\",\"network\":\"private\","
            "\"enclave\":\"default\"}\n");
}

TEST_F(ClientApiTest, MetricsCountRateLimitRefusalsAndWrites) {
  EXPECT_EQ(Call(bhttp::verb::put, "/v1/data/k", "v").status, 201u);
  for (int i = 0; i < 25; ++i) limiter_.Allow("1.2.3.4");  // burst 20: 5 refused
  const std::string body = Call(bhttp::verb::get, "/v1/metrics").body;
  EXPECT_NE(body.find("repram_rate_limited_requests_total 5\n"), std::string::npos) << body;
  EXPECT_NE(body.find("repram_peer_rate_limited_requests_total 5\n"), std::string::npos);
  EXPECT_NE(body.find("repram_writes_total{status=\"201\"} 1\n"), std::string::npos);
  EXPECT_NE(body.find("repram_writes_total{status=\"507\"} 0\n"), std::string::npos);
}

}  // namespace
}  // namespace repram
