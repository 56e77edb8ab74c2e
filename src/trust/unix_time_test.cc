#include "trust/unix_time.h"

#include <gtest/gtest.h>

namespace repram::trust {
namespace {

TEST(UnixTimeTest, FormatsUtcWithoutFraction) {
  EXPECT_EQ(FormatUnixUtc(1900000000), "2030-03-17T17:46:40Z");
  EXPECT_EQ(FormatUnixUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUnixUtc(4102444800), "2100-01-01T00:00:00Z");
}

TEST(UnixTimeTest, UnixSecondsRoundsDown) {
  const WallTime t{std::chrono::milliseconds(1'800'000'000'999)};
  EXPECT_EQ(UnixSeconds(t), 1800000000);
  const WallTime before_epoch{std::chrono::milliseconds(-1)};
  EXPECT_EQ(UnixSeconds(before_epoch), -1);
}

}  // namespace
}  // namespace repram::trust
