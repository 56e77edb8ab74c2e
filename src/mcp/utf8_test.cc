#include "mcp/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace repram::mcp {
namespace {

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  for (const char* s : {"", "hello", "\xC3\xBC", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xED\x9F\xBF",
                        "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(IsValidUtf8(s)) << s;
  }
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(IsValidUtf8Test, RejectsMalformedBytes) {
  for (const char* s :
       {"\xFF", "\x80", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80", "\xF0\x80\x80\x80",
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xC3", "\xE2\x82", "\xC3\x28", "a\xF0\x9F\x98"}) {
    EXPECT_FALSE(IsValidUtf8(s)) << s;
  }
}

}  // namespace
}  // namespace repram::mcp
