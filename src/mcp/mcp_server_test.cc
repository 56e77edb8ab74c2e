#include "mcp/mcp_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mcp/fake_node_api.h"
#include "mcp/protocol_version.h"

namespace repram::mcp {
namespace {

using ::testing::ElementsAre;

class McpServerTest : public ::testing::Test {
 protected:
  // Sends one message text; returns the reply, or nullopt when none came.
  std::optional<Json> Send(const std::string& text) {
    std::optional<std::string> reply;
    const bool will_reply =
        server_.HandleText(text, session_, [&](std::string r) { reply = std::move(r); });
    EXPECT_EQ(will_reply, reply.has_value()) << text;
    if (!reply) return std::nullopt;
    EXPECT_EQ(reply->find('\n'), std::string::npos);
    return Json::parse(*reply);
  }

  // Sends a request with the given method and params (id 7) and returns the reply.
  Json Request(const std::string& method, const Json& params = nullptr) {
    Json msg = {{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}};
    if (!params.is_null()) msg["params"] = params;
    std::optional<Json> reply = Send(msg.dump());
    EXPECT_TRUE(reply.has_value());
    return reply.value_or(Json());
  }

  // Calls a tool and returns the tools/call result object.
  Json Call(const std::string& tool, const Json& arguments) {
    Json reply = Request("tools/call", {{"name", tool}, {"arguments", arguments}});
    EXPECT_EQ(reply["id"], 7);
    EXPECT_TRUE(reply.contains("result")) << reply.dump();
    return reply["result"];
  }

  // Calls a tool that must succeed; returns structuredContent after checking the text copy.
  Json Ok(const std::string& tool, const Json& arguments) {
    Json result = Call(tool, arguments);
    EXPECT_FALSE(result.contains("isError")) << result.dump();
    EXPECT_EQ(result["content"].size(), 1u);
    EXPECT_EQ(result["content"][0]["type"], "text");
    EXPECT_EQ(result["content"][0]["text"], result["structuredContent"].dump(2));
    return result["structuredContent"];
  }

  // Calls a tool that must fail as a tool result; returns its text.
  std::string ToolError(const std::string& tool, const Json& arguments) {
    Json result = Call(tool, arguments);
    EXPECT_EQ(result["isError"], true) << result.dump();
    EXPECT_FALSE(result.contains("structuredContent"));
    return result["content"][0]["text"].get<std::string>();
  }

  FakeClock clock_;
  FakeNodeApi node_{clock_};
  McpServer server_{node_, TtlBounds{}};
  McpSession session_;
};

TEST_F(McpServerTest, InitializeEchoesEverySupportedVersion) {
  for (std::string_view version : kSupportedProtocolVersions) {
    Json reply = Request("initialize", {{"protocolVersion", version},
                                        {"capabilities", Json::object()},
                                        {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
    EXPECT_EQ(reply["result"]["protocolVersion"], version);
    EXPECT_EQ(session_.protocol_version(), version);
  }
}

TEST_F(McpServerTest, InitializeAnswersLatestForUnknownOrMissingVersion) {
  EXPECT_EQ(Request("initialize", {{"protocolVersion", "1999-01-01"}})["result"]["protocolVersion"],
            "2025-11-25");
  EXPECT_EQ(Request("initialize", Json::object())["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(Request("initialize")["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(Request("initialize", {{"protocolVersion", 5}})["result"]["protocolVersion"],
            "2025-11-25");
}

TEST_F(McpServerTest, InitializeReplyMatchesSpecExchangeExactly) {
  std::optional<std::string> reply;
  ASSERT_TRUE(server_.HandleText(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})",
      session_, [&](std::string r) { reply = std::move(r); }));
  EXPECT_EQ(
      reply,
      R"({"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{"listChanged":false}},"serverInfo":{"name":"repram","version":")" REPRAM_MCP_SERVER_VERSION
      R"("}}})");
}

TEST_F(McpServerTest, InitializedNotificationGetsNoReplyAndMarksSession) {
  EXPECT_FALSE(session_.initialized());
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"), std::nullopt);
  EXPECT_TRUE(session_.initialized());
}

TEST_F(McpServerTest, OtherNotificationsAndClientResponsesGetNoReply) {
  EXPECT_EQ(
      Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}})"),
      std::nullopt);
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","method":"no/such/notification"})"), std::nullopt);
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":9,"result":{}})"), std::nullopt);
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":9,"error":{"code":1,"message":"x"}})"), std::nullopt);
}

TEST_F(McpServerTest, PingAnswersEmptyObject) {
  Json reply = Request("ping");
  EXPECT_EQ(reply, Json::parse(R"({"jsonrpc":"2.0","id":7,"result":{}})"));
}

TEST_F(McpServerTest, RequestsBeforeInitializeAreServed) {
  EXPECT_EQ(Ok("repram_exists", {{"key", "k"}})["exists"], false);
  EXPECT_EQ(Request("tools/list")["result"]["tools"].size(), 4u);
}

TEST_F(McpServerTest, ReplyEchoesStringAndNullIds) {
  EXPECT_EQ((*Send(R"({"jsonrpc":"2.0","id":"abc","method":"ping"})"))["id"], "abc");
  Json reply = *Send(R"({"jsonrpc":"2.0","id":null,"method":"ping"})");
  EXPECT_TRUE(reply.contains("id"));
  EXPECT_TRUE(reply["id"].is_null());
}

TEST_F(McpServerTest, ToolsListHasFourToolsWithExactNames) {
  const Json tools = Request("tools/list", {{"cursor", "ignored"}})["result"]["tools"];
  std::vector<std::string> names;
  for (const Json& t : tools) {
    names.push_back(t["name"]);
    EXPECT_TRUE(t["description"].is_string());
    EXPECT_EQ(t["inputSchema"]["type"], "object");
    EXPECT_EQ(t["outputSchema"]["type"], "object");
  }
  EXPECT_THAT(names,
              ElementsAre("repram_store", "repram_retrieve", "repram_exists", "repram_list_keys"));
}

TEST_F(McpServerTest, ToolsListStoreSchemaMatchesSpec) {
  const Json store = Request("tools/list")["result"]["tools"][0];
  const Json& input = store["inputSchema"];
  EXPECT_EQ(input["required"], Json::array({"data"}));
  EXPECT_EQ(input["properties"]["data"]["type"], "string");
  EXPECT_EQ(input["properties"]["ttl_seconds"]["type"], "integer");
  EXPECT_EQ(input["properties"]["ttl_seconds"]["minimum"], 300);
  EXPECT_EQ(input["properties"]["ttl_seconds"]["maximum"], 86400);
  EXPECT_EQ(input["properties"]["ttl_seconds"]["default"], 1800);
  EXPECT_EQ(input["properties"]["key"]["minLength"], 1);
  EXPECT_EQ(input["properties"]["key"]["maxLength"], 8192);
  EXPECT_EQ(input["properties"]["key"]["pattern"], "^[^/]+$");
  EXPECT_EQ(input["properties"]["encoding"]["enum"], Json::array({"utf8", "base64"}));
  EXPECT_EQ(input["properties"]["encoding"]["default"], "utf8");
  EXPECT_FALSE(input.contains("additionalProperties"));
  EXPECT_THAT(store["description"].get<std::string>(), ::testing::HasSubstr("300..86400"));
}

TEST_F(McpServerTest, ToolsListOtherSchemasMatchSpec) {
  const Json tools = Request("tools/list")["result"]["tools"];
  EXPECT_EQ(tools[1]["inputSchema"]["required"], Json::array({"key"}));
  EXPECT_EQ(tools[1]["inputSchema"]["properties"]["encoding"]["enum"],
            Json::array({"utf8", "base64"}));
  EXPECT_EQ(tools[1]["outputSchema"]["required"], Json::array({"found", "key"}));
  EXPECT_EQ(tools[2]["inputSchema"]["required"], Json::array({"key"}));
  EXPECT_EQ(tools[2]["outputSchema"]["required"], Json::array({"exists"}));
  const Json& limit = tools[3]["inputSchema"]["properties"]["limit"];
  EXPECT_EQ(limit["type"], "integer");
  EXPECT_EQ(limit["minimum"], 1);
  EXPECT_EQ(limit["maximum"], 10000);
  EXPECT_EQ(limit["default"], 1000);
  EXPECT_FALSE(tools[3]["inputSchema"].contains("required"));
}

TEST(McpServerConfigTest, ToolsListAdvertisesConfiguredTtlBounds) {
  FakeClock clock;
  FakeNodeApi node(clock);
  McpServer server(node, TtlBounds{5, 600, 60});
  McpSession session;
  std::string reply;
  ASSERT_TRUE(server.HandleText(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", session,
                                [&](std::string r) { reply = std::move(r); }));
  const Json ttl =
      Json::parse(reply)["result"]["tools"][0]["inputSchema"]["properties"]["ttl_seconds"];
  EXPECT_EQ(ttl["minimum"], 5);
  EXPECT_EQ(ttl["maximum"], 600);
  EXPECT_EQ(ttl["default"], 60);
}

TEST_F(McpServerTest, UnknownMethodIsMethodNotFound) {
  Json reply = Request("resources/list");
  EXPECT_EQ(reply["error"]["code"], -32601);
  EXPECT_EQ(reply["error"]["message"], "Method not found");
  EXPECT_EQ(reply["id"], 7);
}

TEST_F(McpServerTest, UnknownToolIsInvalidParamsWithName) {
  std::optional<Json> reply = Send(
      R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"repram_delete","arguments":{}}})");
  ASSERT_TRUE(reply);
  EXPECT_EQ(
      *reply,
      Json::parse(
          R"({"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Unknown tool: repram_delete"}})"));
}

TEST_F(McpServerTest, ToolsCallWithoutStringNameOrWithBadArgumentsIsInvalidParams) {
  for (const Json& params : {Json(nullptr), Json::object(), Json({{"name", 5}}), Json::array({1}),
                             Json({{"name", "repram_exists"}, {"arguments", "x"}}),
                             Json({{"name", "repram_exists"}, {"arguments", Json::array()}})}) {
    Json reply = Request("tools/call", params.is_null() ? Json() : params);
    EXPECT_EQ(reply["error"]["code"], -32602) << params.dump();
    EXPECT_EQ(reply["error"]["message"], "Invalid params");
  }
}

TEST_F(McpServerTest, ToolsCallWithoutArgumentsUsesEmptyObject) {
  Json reply = Request("tools/call", {{"name", "repram_list_keys"}});
  EXPECT_EQ(reply["result"]["structuredContent"], Json::parse(R"({"keys":[]})"));
}

TEST_F(McpServerTest, MalformedJsonIsParseErrorWithNullId) {
  std::optional<Json> reply = Send("{not json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(*reply,
            Json::parse(
                R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})"));
}

TEST_F(McpServerTest, BatchAndInvalidObjectsAreInvalidRequest) {
  EXPECT_EQ((*Send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])"))["error"]["message"],
            "Batch requests are not supported");
  Json reply = *Send(R"({"jsonrpc":"1.0","id":4,"method":"ping"})");
  EXPECT_EQ(reply["error"]["code"], -32600);
  EXPECT_EQ(reply["id"], 4);
  EXPECT_EQ((*Send(R"({"jsonrpc":"2.0","id":4,"method":7})"))["error"]["code"], -32600);
  EXPECT_EQ((*Send("42"))["error"]["code"], -32600);
}

// --- repram_store ---

TEST_F(McpServerTest, StoreDefaultTtl) {
  const Json out = Ok("repram_store", {{"key", "k1"}, {"data", "hello"}});
  EXPECT_EQ(out["key"], "k1");
  EXPECT_EQ(out["ttl_seconds"], 1800);
  EXPECT_EQ(out["ttl_clamped"], false);
  EXPECT_EQ(out["replicated"], true);
  EXPECT_EQ(node_.last_store_ttl(), std::nullopt);
}

TEST_F(McpServerTest, StoreOutputHasSpecFieldsInOrderAndTimestamps) {
  const Json out = Ok("repram_store", {{"key", "k1"}, {"data", "hello"}, {"ttl_seconds", 600}});
  std::vector<std::string> fields;
  for (const auto& [name, value] : out.items()) fields.push_back(name);
  EXPECT_THAT(fields, ElementsAre("key", "ttl_seconds", "ttl_clamped", "created_at", "expires_at",
                                  "replicated"));
  // FakeClock starts at 2026-03-01T12:00:00Z.
  EXPECT_EQ(out["created_at"], "2026-03-01T12:00:00.000Z");
  EXPECT_EQ(out["expires_at"], "2026-03-01T12:10:00.000Z");
  EXPECT_EQ(out["ttl_seconds"], 600);
  EXPECT_EQ(out["ttl_clamped"], false);
}

TEST_F(McpServerTest, StoreClamp) {
  struct Case {
    Json ttl;
    int64_t effective;
    bool clamped;
  };
  for (const Case& c : {Case{10, 300, true}, Case{1000000000, 86400, true}, Case{0, 1800, true},
                        Case{-5, 1800, true}, Case{600.0, 600, false}, Case{86400, 86400, false},
                        Case{1e30, 86400, true}, Case{18446744073709551615u, 86400, true}}) {
    const Json out = Ok("repram_store", {{"key", "k"}, {"data", "x"}, {"ttl_seconds", c.ttl}});
    EXPECT_EQ(out["ttl_seconds"], c.effective) << c.ttl.dump();
    EXPECT_EQ(out["ttl_clamped"], c.clamped) << c.ttl.dump();
  }
}

TEST_F(McpServerTest, StoreRejects) {
  const std::string p = "Invalid arguments for tool repram_store: ";
  const std::string long_key(8193, 'k');
  struct Case {
    Json args;
    std::string text;
  };
  for (const Case& c : {
           Case{{{"data", "x"}, {"ttl_seconds", "600"}}, "ttl_seconds: expected integer"},
           Case{{{"data", "x"}, {"ttl_seconds", 600.5}}, "ttl_seconds: expected integer"},
           Case{{{"data", "x"}, {"ttl_seconds", true}}, "ttl_seconds: expected integer"},
           Case{{{"data", "x"}, {"ttl_seconds", nullptr}}, "ttl_seconds: expected integer"},
           Case{{{"key", "k"}}, "data: required string"},
           Case{{{"data", 5}}, "data: required string"},
           Case{{{"data", "x"}, {"key", ""}}, "key: must be 1..8192 bytes without '/'"},
           Case{{{"data", "x"}, {"key", "a/b"}}, "key: must be 1..8192 bytes without '/'"},
           Case{{{"data", "x"}, {"key", 12}}, "key: must be 1..8192 bytes without '/'"},
           Case{{{"data", "x"}, {"key", long_key}}, "key: must be 1..8192 bytes without '/'"},
           Case{{{"data", "x"}, {"encoding", "hex"}}, R"(encoding: must be "utf8" or "base64")"},
           Case{{{"data", "AP+AAQ"}, {"encoding", "base64"}}, "data: invalid base64"},
           Case{{{"data", "AP+A AQ=="}, {"encoding", "base64"}}, "data: invalid base64"},
           Case{{{"data", "AP-_AQ=="}, {"encoding", "base64"}}, "data: invalid base64"},
       }) {
    EXPECT_EQ(ToolError("repram_store", c.args), p + c.text) << c.args.dump();
  }
  EXPECT_EQ(node_.last_store_ttl(), std::nullopt);  // nothing reached the node
}

TEST_F(McpServerTest, StoreAcceptsMaximalKeyAndRejectsOversizedValue) {
  EXPECT_EQ(Ok("repram_store", {{"key", std::string(8192, 'k')}, {"data", "x"}})["key"],
            std::string(8192, 'k'));
  EXPECT_EQ(ToolError("repram_store", {{"data", std::string(10485761, 'x')}}),
            "Invalid arguments for tool repram_store: data: larger than 10485760 bytes");
}

TEST_F(McpServerTest, StoreWithoutKeyGeneratesUuidV4) {
  const Json out = Ok("repram_store", {{"data", "x"}});
  const std::string key = out["key"];  // the full format is checked by NewUuidV4Test
  ASSERT_EQ(key.size(), 36u);
  EXPECT_EQ(key[14], '4');
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef-"), std::string::npos) << key;
  EXPECT_EQ(Ok("repram_retrieve", {{"key", out["key"]}})["data"], "x");
}

TEST_F(McpServerTest, StoreNoQuorumReportsNotReplicatedAndValueIsRetrievable) {
  node_.set_replicated(false);
  EXPECT_EQ(Ok("repram_store", {{"key", "k"}, {"data", "v"}})["replicated"], false);
  EXPECT_EQ(Ok("repram_retrieve", {{"key", "k"}})["data"], "v");
}

TEST_F(McpServerTest, StoreFull) {
  node_.set_capacity(4);
  EXPECT_EQ(ToolError("repram_store", {{"key", "k"}, {"data", "12345"}}),
            "storage capacity exceeded");
}

TEST_F(McpServerTest, NodeFailureBecomesToolError) {
  node_.set_failure(Status(StatusCode::kUnavailable, "connection to http://x failed: refused"));
  EXPECT_EQ(ToolError("repram_retrieve", {{"key", "k"}}), "connection to http://x failed: refused");
  EXPECT_EQ(ToolError("repram_exists", {{"key", "k"}}), "connection to http://x failed: refused");
  EXPECT_EQ(ToolError("repram_list_keys", Json::object()),
            "connection to http://x failed: refused");
  EXPECT_EQ(ToolError("repram_store", {{"data", "x"}}), "connection to http://x failed: refused");
}

// --- repram_retrieve ---

TEST_F(McpServerTest, RetrieveFoundReportsAllFields) {
  Ok("repram_store", {{"key", "k1"}, {"data", "hello"}, {"ttl_seconds", 600}});
  clock_.Advance(std::chrono::milliseconds(1500));
  const Json out = Ok("repram_retrieve", {{"key", "k1"}});
  EXPECT_EQ(out, Json::parse(R"({"found":true,"key":"k1","data":"hello","encoding":"utf8",
      "created_at":"2026-03-01T12:00:00.000Z","original_ttl_seconds":600,
      "remaining_ttl_seconds":598,"expires_at":"2026-03-01T12:10:00.000Z"})"));
}

TEST_F(McpServerTest, RetrieveBinary) {
  Ok("repram_store", {{"key", "bin"}, {"data", "AP+AAQ=="}, {"encoding", "base64"}});
  const Json out = Ok("repram_retrieve", {{"key", "bin"}});
  EXPECT_EQ(out["encoding"], "base64");
  EXPECT_EQ(out["data"], "AP+AAQ==");
}

TEST_F(McpServerTest, RetrieveBase64OfText) {
  Ok("repram_store", {{"key", "t"}, {"data", "hi"}});
  const Json out = Ok("repram_retrieve", {{"key", "t"}, {"encoding", "base64"}});
  EXPECT_EQ(out["encoding"], "base64");
  EXPECT_EQ(out["data"], "aGk=");
}

TEST_F(McpServerTest, RetrieveMiss) {
  EXPECT_EQ(Ok("repram_retrieve", {{"key", "nope"}}),
            Json::parse(R"({"found":false,"key":"nope"})"));
}

TEST_F(McpServerTest, RetrieveAfterExpiryIsMiss) {
  Ok("repram_store", {{"key", "k"}, {"data", "v"}, {"ttl_seconds", 300}});
  clock_.Advance(std::chrono::seconds(300));
  EXPECT_EQ(Ok("repram_retrieve", {{"key", "k"}})["found"], false);
}

TEST_F(McpServerTest, RetrieveRejects) {
  const std::string p = "Invalid arguments for tool repram_retrieve: ";
  EXPECT_EQ(ToolError("repram_retrieve", Json::object()), p + "key: required string");
  EXPECT_EQ(ToolError("repram_retrieve", {{"key", "a/b"}}),
            p + "key: must be 1..8192 bytes without '/'");
  EXPECT_EQ(ToolError("repram_retrieve", {{"key", "k"}, {"encoding", "raw"}}),
            p + R"(encoding: must be "utf8" or "base64")");
}

// --- repram_exists ---

TEST_F(McpServerTest, ExistsReportsRemainingTtlAndExpiry) {
  Ok("repram_store", {{"key", "tok"}, {"data", ""}, {"ttl_seconds", 300}});
  clock_.Advance(std::chrono::milliseconds(500));
  EXPECT_EQ(Ok("repram_exists", {{"key", "tok"}}),
            Json::parse(R"({"exists":true,"remaining_ttl_seconds":299,
                            "expires_at":"2026-03-01T12:05:00.000Z"})"));
  EXPECT_EQ(Ok("repram_exists", {{"key", "other"}}), Json::parse(R"({"exists":false})"));
  EXPECT_EQ(ToolError("repram_exists", {{"key", ""}}),
            "Invalid arguments for tool repram_exists: key: must be 1..8192 bytes without '/'");
}

// --- repram_list_keys ---

TEST_F(McpServerTest, ListKeysSortedPaginatedWithoutExpired) {
  Ok("repram_store", {{"key", "c"}, {"data", "x"}});
  Ok("repram_store", {{"key", "a"}, {"data", "x"}});
  Ok("repram_store", {{"key", "b"}, {"data", "x"}});
  Ok("repram_store", {{"key", "gone"}, {"data", "x"}, {"ttl_seconds", 300}});
  EXPECT_EQ(Ok("repram_list_keys", Json::object()),
            Json::parse(R"({"keys":["a","b","c","gone"]})"));
  EXPECT_EQ(node_.last_list_limit(), 1000);
  clock_.Advance(std::chrono::seconds(300));
  EXPECT_EQ(Ok("repram_list_keys", {{"limit", 2}}),
            Json::parse(R"({"keys":["a","b"],"next_cursor":"b"})"));
  EXPECT_EQ(Ok("repram_list_keys", {{"limit", 2}, {"cursor", "b"}}),
            Json::parse(R"({"keys":["c"]})"));
  EXPECT_EQ(Ok("repram_list_keys", {{"prefix", "g"}}), Json::parse(R"({"keys":[]})"));
}

TEST_F(McpServerTest, ListKeysRejects) {
  const std::string p = "Invalid arguments for tool repram_list_keys: ";
  EXPECT_EQ(ToolError("repram_list_keys", {{"limit", 0}}), p + "limit: must be 1..10000");
  EXPECT_EQ(ToolError("repram_list_keys", {{"limit", 10001}}), p + "limit: must be 1..10000");
  EXPECT_EQ(ToolError("repram_list_keys", {{"limit", "5"}}), p + "limit: expected integer");
  EXPECT_EQ(ToolError("repram_list_keys", {{"prefix", 1}}), p + "prefix: expected string");
  EXPECT_EQ(ToolError("repram_list_keys", {{"cursor", false}}), p + "cursor: expected string");
}

// --- concurrency ---

TEST_F(McpServerTest, RepliesFollowNodeCompletionOrderAndCarryTheirIds) {
  node_.set_deferred(true);
  std::vector<Json> replies;
  auto reply = [&](std::string r) { replies.push_back(Json::parse(r)); };
  ASSERT_TRUE(server_.HandleText(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"repram_exists","arguments":{"key":"a"}}})",
      session_, reply));
  ASSERT_TRUE(server_.HandleText(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"repram_list_keys"}})",
      session_, reply));
  EXPECT_TRUE(replies.empty());
  ASSERT_EQ(node_.pending(), 2u);
  node_.CompleteNewest();
  node_.CompleteNewest();
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0]["id"], 2);
  EXPECT_EQ(replies[0]["result"]["structuredContent"]["keys"], Json::array());
  EXPECT_EQ(replies[1]["id"], 1);
  EXPECT_EQ(replies[1]["result"]["structuredContent"]["exists"], false);
}

}  // namespace
}  // namespace repram::mcp
