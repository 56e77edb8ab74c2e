#include "trust/expires_in.h"

#include <gtest/gtest.h>

namespace repram::trust {
namespace {

TEST(ExpiresInTest, AcceptsPlainSeconds) {
  EXPECT_EQ(ParseExpiresIn("3600"), 3600);
  EXPECT_EQ(ParseExpiresIn("0"), 0);
  EXPECT_EQ(ParseExpiresIn("100000000"), 100000000);
}

TEST(ExpiresInTest, AcceptsUnitGroups) {
  EXPECT_EQ(ParseExpiresIn("90m"), 5400);
  EXPECT_EQ(ParseExpiresIn("24h"), 86400);
  EXPECT_EQ(ParseExpiresIn("7d"), 604800);
  EXPECT_EQ(ParseExpiresIn("45s"), 45);
  EXPECT_EQ(ParseExpiresIn("1h30m"), 5400);
  EXPECT_EQ(ParseExpiresIn("1d2h3m4s"), 93784);
  EXPECT_EQ(ParseExpiresIn("0h"), 0);
}

TEST(ExpiresInTest, RejectsEverythingElse) {
  for (const char* bad : {"", "-3600", "+3600", "1.5h", "h", "24H", "1w", "1h30", "24 h", " 24h",
                          "24h ", "1e3", "0x10", "1hh"}) {
    EXPECT_EQ(ParseExpiresIn(bad), std::nullopt) << bad;
  }
}

TEST(ExpiresInTest, RejectsOverflow) {
  EXPECT_EQ(ParseExpiresIn("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseExpiresIn("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseExpiresIn("106751991167301d"), std::nullopt);
  EXPECT_EQ(ParseExpiresIn("9223372036854775807s1s"), std::nullopt);
}

}  // namespace
}  // namespace repram::trust
