#include "trust/unix_time.h"

#include <gtest/gtest.h>

namespace repram::trust {
namespace {

TEST(UnixTimeTest, UnixSecondsRoundsDown) {
  const WallTime t{std::chrono::milliseconds(1'800'000'000'999)};
  EXPECT_EQ(UnixSeconds(t), 1800000000);
  const WallTime before_epoch{std::chrono::milliseconds(-1)};
  EXPECT_EQ(UnixSeconds(before_epoch), -1);
}

}  // namespace
}  // namespace repram::trust
