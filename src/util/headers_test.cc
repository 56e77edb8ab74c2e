#include "util/headers.h"

#include <gtest/gtest.h>

namespace repram {
namespace {

TEST(FindHeaderTest, MatchesNamesCaseInsensitivelyAndTrimsTheValue) {
  const HeaderList headers = {
      {"Content-Type", "text/plain"}, {"x-original-ttl", " 600 "}, {"X-Original-TTL", "700"}};
  EXPECT_EQ(FindHeader(headers, "X-Original-TTL"), "600");  // the first one wins
  EXPECT_EQ(FindHeader(headers, "content-type"), "text/plain");
  EXPECT_EQ(FindHeader(headers, "X-Created-At"), std::nullopt);
  EXPECT_EQ(FindHeader({}, "X-TTL"), std::nullopt);
}

}  // namespace
}  // namespace repram
