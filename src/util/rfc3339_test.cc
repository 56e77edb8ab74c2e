#include "util/rfc3339.h"

#include <gtest/gtest.h>

namespace repram {
namespace {

TEST(FormatRfc3339MillisTest, AlwaysThreeFractionalDigitsAndZ) {
  const WallTime t{std::chrono::milliseconds(1772366400123)};
  EXPECT_EQ(FormatRfc3339Millis(t), "2026-03-01T12:00:00.123Z");
  EXPECT_EQ(FormatRfc3339Millis(WallTime{std::chrono::milliseconds(1772366400000)}),
            "2026-03-01T12:00:00.000Z");
  EXPECT_EQ(FormatRfc3339Millis(WallTime{std::chrono::milliseconds(-1)}),
            "1969-12-31T23:59:59.999Z");
}

TEST(FormatRfc3339MillisTest, RepeatedAndAlternatingSecondsFormatTheSame) {
  // The formatter keeps the last second's text per thread: a repeat, a neighbour and a return
  // to an earlier second must each come out as if formatted afresh.
  using std::chrono::milliseconds;
  const WallTime a{milliseconds(1772366400123)};
  const WallTime b{milliseconds(1772366401999)};
  EXPECT_EQ(FormatRfc3339Millis(a), "2026-03-01T12:00:00.123Z");
  EXPECT_EQ(FormatRfc3339Millis(a + milliseconds(500)), "2026-03-01T12:00:00.623Z");
  EXPECT_EQ(FormatRfc3339Millis(b), "2026-03-01T12:00:01.999Z");
  EXPECT_EQ(FormatRfc3339Seconds(1772366400), "2026-03-01T12:00:00Z");
  EXPECT_EQ(FormatRfc3339Millis(b), "2026-03-01T12:00:01.999Z");
}

TEST(FormatRfc3339SecondsTest, FormatsUtcWithoutFraction) {
  EXPECT_EQ(FormatRfc3339Seconds(1900000000), "2030-03-17T17:46:40Z");
  EXPECT_EQ(FormatRfc3339Seconds(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Seconds(4102444800), "2100-01-01T00:00:00Z");
}

TEST(FormatRfc3339MillisTest, LeapDaysCenturiesAndTheEndsOfWallTime) {
  using std::chrono::milliseconds;
  EXPECT_EQ(FormatRfc3339Millis(WallTime{milliseconds(951782400000)}), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339Millis(WallTime{milliseconds(4107542399999)}), "2100-02-28T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339Millis(WallTime::max()), "2262-04-11T23:47:16.854Z");
  EXPECT_EQ(FormatRfc3339Millis(WallTime::min()), "1677-09-21T00:12:43.145Z");
}

TEST(FormatRfc3339SecondsTest, FirstAndLastSecondsOfYears0000To9999) {
  EXPECT_EQ(FormatRfc3339Seconds(-62167219200), "0000-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Seconds(253402300799), "9999-12-31T23:59:59Z");
}

TEST(FormatRfc3339SecondsTest, UnrepresentableValuesAsPlainSeconds) {
  EXPECT_EQ(FormatRfc3339Seconds(INT64_MAX), "9223372036854775807");
  EXPECT_EQ(FormatRfc3339Seconds(253402300800), "253402300800");
  EXPECT_EQ(FormatRfc3339Seconds(-62167219201), "-62167219201");
}

std::string Normalized(std::string_view s) {
  const std::optional<WallTime> t = ParseRfc3339(s);
  return t ? FormatRfc3339Millis(*t) : "invalid";
}

TEST(ParseRfc3339Test, NormalizesToUtcMilliseconds) {
  EXPECT_EQ(Normalized("2026-11-27T23:43:54.492Z"), "2026-11-27T23:43:54.492Z");
  EXPECT_EQ(Normalized("2026-11-27T23:56:12Z"), "2026-11-27T23:56:12.000Z");
  EXPECT_EQ(Normalized("2026-11-28T01:56:12+02:00"), "2026-11-27T23:56:12.000Z");
  EXPECT_EQ(Normalized("2026-11-27T20:26:12.123456789-03:30"), "2026-11-27T23:56:12.123Z");
  EXPECT_EQ(Normalized("2026-11-27t23:56:12.1z"), "2026-11-27T23:56:12.100Z");
  EXPECT_EQ(Normalized("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00.000Z");
  EXPECT_EQ(Normalized("1970-01-01T00:00:00Z"), "1970-01-01T00:00:00.000Z");
}

TEST(ParseRfc3339Test, RejectsOtherText) {
  for (const char* s :
       {"", "2026-11-27", "2026-11-27T23:56:12", "2026-11-27 23:56:12Z", "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T23:60:00Z",
        "2026-11-27T23:56:12.Z", "2026-11-27T23:56:12+0200", "2026-11-27T23:56:12Zx",
        "Fri, 27 Nov 2026 23:56:12 GMT", "2026-1-27T23:56:12Z"}) {
    EXPECT_EQ(ParseRfc3339(s), std::nullopt) << s;
  }
}

}  // namespace
}  // namespace repram
