#include "mcp/tool_args.h"

#include <gtest/gtest.h>

#include <limits>

namespace repram::mcp {
namespace {

TEST(ParseStoreArgsTest, SaturatesHugeIntegralTtls) {
  Result<StoreArgs> a = ParseStoreArgs({{"data", "x"}, {"ttl_seconds", 1e30}});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ttl_seconds, std::numeric_limits<int64_t>::max());
  a = ParseStoreArgs({{"data", "x"}, {"ttl_seconds", -1e30}});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ttl_seconds, std::numeric_limits<int64_t>::min());
  a = ParseStoreArgs(Json::parse(R"({"data":"x","ttl_seconds":99999999999999999999})"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ttl_seconds, std::numeric_limits<int64_t>::max());
}

TEST(ParseStoreArgsTest, DecodesBase64AndKeepsUtf8Verbatim) {
  Result<StoreArgs> a = ParseStoreArgs({{"data", "AP+AAQ=="}, {"encoding", "base64"}});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->value, std::string("\x00\xff\x80\x01", 4));
  EXPECT_EQ(a->key, std::nullopt);
  a = ParseStoreArgs({{"data", "AP+AAQ=="}, {"key", "k"}, {"unknown", 1}});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->value, "AP+AAQ==");
  EXPECT_EQ(a->key, "k");
}

TEST(ParseStoreArgsTest, ChecksFieldsInSpecOrder) {
  Result<StoreArgs> a = ParseStoreArgs({{"ttl_seconds", "x"}, {"key", ""}});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(a.status().message(), "data: required string");
  a = ParseStoreArgs({{"data", "!"}, {"ttl_seconds", "x"}, {"encoding", "base64"}});
  EXPECT_EQ(a.status().message(), "ttl_seconds: expected integer");
}

TEST(ParseStoreArgsTest, Base64DecodedSizeIsWhatCounts) {
  // 10485760 bytes of base64 text decode to far less than the limit.
  const std::string text(10'485'760, 'A');
  Result<StoreArgs> a = ParseStoreArgs({{"data", text}, {"encoding", "base64"}});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->value.size(), 7'864'320u);
}

TEST(ParseListKeysArgsTest, DefaultsAndAcceptsIntegralFloats) {
  Result<ListKeysArgs> a = ParseListKeysArgs(Json::object());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->limit, 1000);
  EXPECT_EQ(a->prefix, "");
  a = ParseListKeysArgs({{"limit", 10000.0}, {"prefix", "p"}, {"cursor", "c"}});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->limit, 10000);
  EXPECT_EQ(a->prefix, "p");
  EXPECT_EQ(a->cursor, "c");
}

}  // namespace
}  // namespace repram::mcp
