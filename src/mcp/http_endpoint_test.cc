#include "mcp/http_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "mcp/fake_node_api.h"

namespace repram::mcp {
namespace {

using ::testing::Contains;
using ::testing::Pair;

class McpHttpEndpointTest : public ::testing::Test {
 protected:
  std::optional<McpHttpResponse> Handle(std::string method, std::string body,
                                        std::optional<std::string> version = std::nullopt) {
    std::optional<McpHttpResponse> response;
    endpoint_.Handle({std::move(method), std::move(version), std::move(body)},
                     [&](McpHttpResponse r) { response = std::move(r); });
    return response;
  }

  FakeClock clock_;
  FakeNodeApi node_{clock_};
  McpServer server_{node_, TtlBounds{}};
  McpHttpEndpoint endpoint_{server_};
};

TEST_F(McpHttpEndpointTest, PostRequestAnswers200JsonWithNewline) {
  auto r = Handle("POST", R"({"jsonrpc":"2.0","id":1,"method":"ping"})", "2025-06-18");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n");
  EXPECT_THAT(r->headers, Contains(Pair("Content-Type", "application/json")));
  for (const auto& [name, value] : r->headers) EXPECT_NE(name, "Mcp-Session-Id");
}

TEST_F(McpHttpEndpointTest, InitializeWorksWithoutVersionHeader) {
  auto r = Handle(
      "POST",
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05"}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(Json::parse(r->body)["result"]["protocolVersion"], "2024-11-05");
}

TEST_F(McpHttpEndpointTest, NotificationAndResponseAnswer202Empty) {
  for (const char* body : {R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                           R"({"jsonrpc":"2.0","id":4,"result":{}})"}) {
    auto r = Handle("POST", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202u) << body;
    EXPECT_EQ(r->body, "");
  }
}

TEST_F(McpHttpEndpointTest, InvalidJsonIs400ParseError) {
  auto r = Handle("POST", "{nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400u);
  EXPECT_EQ(r->body,
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse "
            "error\"}}\n");
}

TEST_F(McpHttpEndpointTest, BatchAndInvalidObjectAre400InvalidRequest) {
  auto batch = Handle("POST", R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->status, 400u);
  EXPECT_EQ(Json::parse(batch->body)["error"]["code"], -32600);
  auto invalid = Handle("POST", R"({"id":1,"method":"ping"})");
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 400u);
  EXPECT_EQ(Json::parse(invalid->body)["error"]["code"], -32600);
}

TEST_F(McpHttpEndpointTest, UnsupportedProtocolVersionIs400) {
  auto r = Handle("POST", R"({"jsonrpc":"2.0","id":1,"method":"ping"})", "2024-10-07");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400u);
  EXPECT_EQ(Json::parse(r->body), Json::parse(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,
                "message":"Unsupported MCP-Protocol-Version: 2024-10-07"}})"));
}

TEST_F(McpHttpEndpointTest, JsonRpcErrorsOfValidRequestsAre200) {
  auto r = Handle("POST", R"({"jsonrpc":"2.0","id":1,"method":"nope"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(Json::parse(r->body)["error"]["code"], -32601);
}

TEST_F(McpHttpEndpointTest, GetAndDeleteAre405WithAllow) {
  for (const char* method : {"GET", "DELETE", "PUT"}) {
    auto r = Handle(method, "");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 405u) << method;
    EXPECT_THAT(r->headers, Contains(Pair("Allow", "POST, OPTIONS")));
    EXPECT_EQ(r->body, "Method not allowed\n");
  }
}

TEST_F(McpHttpEndpointTest, ToolCallCompletesWhenTheNodeDoes) {
  node_.set_deferred(true);
  std::optional<McpHttpResponse> response;
  endpoint_.Handle(
      {"POST", std::nullopt,
       R"({"jsonrpc":"2.0","id":"t","method":"tools/call","params":{"name":"repram_exists","arguments":{"key":"k"}}})"},
      [&](McpHttpResponse r) { response = std::move(r); });
  EXPECT_FALSE(response);
  ASSERT_EQ(node_.pending(), 1u);
  node_.CompleteNewest();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(Json::parse(response->body)["id"], "t");
}

}  // namespace
}  // namespace repram::mcp
