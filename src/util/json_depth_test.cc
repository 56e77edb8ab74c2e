#include "util/json_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace repram {
namespace {

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonDepthTest, AcceptsUpToTheLimitAndRejectsOneMore) {
  EXPECT_TRUE(JsonDepthWithin(Nested(64)));
  EXPECT_FALSE(JsonDepthWithin(Nested(65)));
  EXPECT_TRUE(JsonDepthWithin(R"({"a":[{"b":[1,2]},{}],"c":{}})", 4));
  EXPECT_FALSE(JsonDepthWithin(R"({"a":[{"b":[1,2]},{}],"c":{}})", 3));
}

TEST(JsonDepthTest, SiblingsDoNotAddUp) {
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "[[]],";
  EXPECT_TRUE(JsonDepthWithin("[" + many + "1]", 3));
}

TEST(JsonDepthTest, BracketsInsideStringsDoNotCount) {
  EXPECT_TRUE(JsonDepthWithin(R"({"k":"[[[[{{{{","q":"\"[[[["})", 1));
  EXPECT_FALSE(JsonDepthWithin(R"({"k":"\\",  "x":[[]]})", 2));  // the string ends after "\\"
}

TEST(JsonDepthTest, ANestingBombIsRejectedWithoutReadingItAll) {
  const std::string bomb(16 * 1024 * 1024, '[');
  EXPECT_FALSE(JsonDepthWithin(bomb));
  EXPECT_TRUE(JsonDepthWithin(""));
}

}  // namespace
}  // namespace repram
