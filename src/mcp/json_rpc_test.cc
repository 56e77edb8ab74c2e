#include "mcp/json_rpc.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace repram::mcp {
namespace {

JsonRpcError ErrorOf(std::string_view text) {
  auto parsed = ParseJsonRpc(text);
  EXPECT_TRUE(std::holds_alternative<JsonRpcError>(parsed)) << text;
  return std::holds_alternative<JsonRpcError>(parsed) ? std::get<JsonRpcError>(parsed)
                                                      : JsonRpcError{};
}

JsonRpcMessage MessageOf(std::string_view text) {
  auto parsed = ParseJsonRpc(text);
  EXPECT_TRUE(std::holds_alternative<JsonRpcMessage>(parsed)) << text;
  return std::holds_alternative<JsonRpcMessage>(parsed) ? std::get<JsonRpcMessage>(parsed)
                                                        : JsonRpcMessage{};
}

TEST(ParseJsonRpcTest, InvalidJsonIsParseError) {
  for (const char* text : {"", "{", "{not json", "{\"a\":1}x", "\xff"}) {
    const JsonRpcError e = ErrorOf(text);
    EXPECT_EQ(e.code, kParseError) << text;
    EXPECT_EQ(e.message, "Parse error");
    EXPECT_TRUE(e.id.is_null());
  }
}

TEST(ParseJsonRpcTest, NestingDeeperThan64IsParseError) {
  const std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"m","params":)" +
                           std::string(64, '[') + std::string(64, ']') + "}";
  const auto result = ParseJsonRpc(deep);
  ASSERT_TRUE(std::holds_alternative<JsonRpcError>(result));
  EXPECT_EQ(std::get<JsonRpcError>(result).code, kParseError);
}

TEST(ParseJsonRpcTest, ArrayIsRefusedAsBatch) {
  const JsonRpcError e = ErrorOf(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  EXPECT_EQ(e.code, kInvalidRequest);
  EXPECT_EQ(e.message, "Batch requests are not supported");
}

TEST(ParseJsonRpcTest, MalformedObjectsAreInvalidRequest) {
  for (const char* text :
       {"1", "\"s\"", "null", R"({"id":1,"method":"ping"})", R"({"jsonrpc":2,"id":1,"method":"p"})",
        R"({"jsonrpc":"2.0","id":1,"method":null})", R"({"jsonrpc":"2.0","id":1})"}) {
    const JsonRpcError e = ErrorOf(text);
    EXPECT_EQ(e.code, kInvalidRequest) << text;
    EXPECT_EQ(e.message, "Invalid Request");
  }
}

TEST(ParseJsonRpcTest, InvalidRequestKeepsReadableIdOnly) {
  EXPECT_EQ(ErrorOf(R"({"jsonrpc":"1.0","id":"x","method":"ping"})").id, "x");
  EXPECT_TRUE(ErrorOf(R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})").id.is_null());
  EXPECT_TRUE(ErrorOf(R"({"jsonrpc":"2.0","id":[1],"method":"ping"})").id.is_null());
}

TEST(ParseJsonRpcTest, ClassifiesRequestsNotificationsAndResponses) {
  JsonRpcMessage m =
      MessageOf(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"a":1}})");
  EXPECT_EQ(m.kind, JsonRpcMessage::Kind::kRequest);
  EXPECT_EQ(m.id, 3);
  EXPECT_EQ(m.method, "tools/call");
  EXPECT_EQ(m.params["a"], 1);

  m = MessageOf(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(m.kind, JsonRpcMessage::Kind::kNotification);
  EXPECT_TRUE(m.params.is_null());

  m = MessageOf(R"({"jsonrpc":"2.0","id":"r","result":{}})");
  EXPECT_EQ(m.kind, JsonRpcMessage::Kind::kResponse);
  EXPECT_EQ(m.id, "r");
}

TEST(SerializeTest, ProducesCompactSingleLineReplies) {
  EXPECT_EQ(SerializeResult(5, Json::object()), R"({"jsonrpc":"2.0","id":5,"result":{}})");
  EXPECT_EQ(SerializeError(nullptr, kParseError, "Parse error"),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})");
  EXPECT_EQ(DumpCompact(Json{{"t", "a\nb"}}), R"({"t":"a\nb"})");
}

TEST(SerializeTest, ReplacesInvalidUtf8InsteadOfThrowing) {
  EXPECT_EQ(DumpCompact(Json{{"k", std::string("\xC3\x28")}}), "{\"k\":\"\xEF\xBF\xBD(\"}");
}

}  // namespace
}  // namespace repram::mcp
