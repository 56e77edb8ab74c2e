#include "http/types.h"

#include <gtest/gtest.h>

namespace repram::http {
namespace {

TEST(QueryParamTest, FirstPairWinsAndPlusIsSpace) {
  EXPECT_EQ(QueryParam("ttl=1&ttl=900", "ttl"), "1");
  EXPECT_EQ(QueryParam("prefix=a+", "prefix"), "a ");
  EXPECT_EQ(QueryParam("prefix=a%2B", "prefix"), "a+");
  EXPECT_EQ(QueryParam("ttl=", "ttl"), "");
  EXPECT_EQ(QueryParam("ttl", "ttl"), "");
  EXPECT_FALSE(QueryParam("x=1", "ttl").has_value());
  EXPECT_FALSE(QueryParam("", "ttl").has_value());
}

TEST(QueryParamTest, SkipsPairsWithMalformedEscapes) {
  EXPECT_EQ(QueryParam("ttl=%ZZ&ttl=5", "ttl"), "5");
  EXPECT_FALSE(QueryParam("ttl=%", "ttl").has_value());
}

TEST(ResponseTest, JsonGetsTrailingNewlineAndTextDoesNot) {
  EXPECT_EQ(JsonResponse(200, "{}").body, "{}\n");
  EXPECT_EQ(JsonResponse(200, "{}").content_type, "application/json");
  EXPECT_EQ(TextResponse(201, "OK").body, "OK");
  EXPECT_EQ(TextResponse(201, "OK").content_type, "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace repram::http
