#include "util/strings.h"

#include <gtest/gtest.h>

#include <limits>

#include "util/fake_clock.h"
#include "util/json_writer.h"

namespace repram {
namespace {

TEST(ParseStrictIntTest, AcceptsGoAtoiForms) {
  EXPECT_EQ(ParseStrictInt("600"), 600);
  EXPECT_EQ(ParseStrictInt("+600"), 600);
  EXPECT_EQ(ParseStrictInt("-5"), -5);
  EXPECT_EQ(ParseStrictInt("0"), 0);
  EXPECT_EQ(ParseStrictInt("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseStrictInt("-9223372036854775808"), INT64_MIN);
}

TEST(ParseStrictIntTest, RejectsEverythingElse) {
  for (const char* bad : {"", "+", "-", "600abc", "6e2", "600.9", " 600", "600 ", "abc", "++1",
                          "99999999999999999999", "9223372036854775808", "0x10"}) {
    EXPECT_FALSE(ParseStrictInt(bad).has_value()) << bad;
  }
}

TEST(ParsePositiveSecondsTest, AcceptsFractions) {
  EXPECT_DOUBLE_EQ(*ParsePositiveSeconds("30"), 30.0);
  EXPECT_DOUBLE_EQ(*ParsePositiveSeconds("0.25"), 0.25);
  EXPECT_FALSE(ParsePositiveSeconds("0").has_value());
  EXPECT_FALSE(ParsePositiveSeconds("-1").has_value());
  EXPECT_FALSE(ParsePositiveSeconds("1s").has_value());
  EXPECT_FALSE(ParsePositiveSeconds("").has_value());
}

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

TEST(AppendJsonStringTest, EscapesOnlyWhatTheSpecSays) {
  EXPECT_EQ(Json("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Json("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Json(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(Json(std::string("\0", 1)), R"("\u0000")");
  EXPECT_EQ(Json("<>&/"), R"("<>&/")");
  EXPECT_EQ(Json("\xE2\x9C\x93"), "\"\xE2\x9C\x93\"");  // ✓ verbatim
  EXPECT_EQ(Json("\xE2\x80\xA8"), "\"\xE2\x80\xA8\"");  // U+2028 verbatim
}

TEST(AppendJsonStringTest, InvalidUtf8BecomesReplacementPerByte) {
  EXPECT_EQ(Json("\xC3\x28"), R"("\ufffd(")");
  EXPECT_EQ(Json("\xE0\xA4"), R"("\ufffd\ufffd")");
  EXPECT_EQ(Json("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
  EXPECT_EQ(Json("\xC0\xAF"), R"("\ufffd\ufffd")");            // overlong
  EXPECT_EQ(Json("\xFF"), R"("\ufffd")");
}

TEST(PercentDecodeTest, KeyAndQueryRules) {
  EXPECT_EQ(PercentDecode("a%20b", false), "a b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%E2%9c%93", false), "\xE2\x9C\x93");
  EXPECT_EQ(PercentDecode("%00", false), std::string("\0", 1));
  EXPECT_FALSE(PercentDecode("%", false).has_value());
  EXPECT_FALSE(PercentDecode("%Z1", false).has_value());
  EXPECT_FALSE(PercentDecode("bad%E0%A4%A", false).has_value());
  EXPECT_FALSE(PercentDecode("%2", false).has_value());
}

TEST(PercentEncodeTest, KeepsOnlyUnreservedBytes) {
  EXPECT_EQ(PercentEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(PercentEncode("a b+c/%\xC3\xBC"), "a%20b%2Bc%2F%25%C3%BC");
  EXPECT_EQ(PercentEncode(std::string("\0\xff", 2)), "%00%FF");
}

TEST(JsonWriterTest, BuildsCompactNestedJson) {
  JsonWriter w;
  w.BeginObject()
      .BeginArray("keys")
      .String("", "a")
      .String("", "b")
      .EndArray()
      .String("next_cursor", "b")
      .Int("n", -3)
      .Bool("ok", true)
      .EndObject();
  EXPECT_EQ(w.text(), R"({"keys":["a","b"],"next_cursor":"b","n":-3,"ok":true})");
}

TEST(FakeClockTest, AdvancesBothClocks) {
  FakeClock clock;
  const auto m = clock.Now();
  const auto w = clock.WallNow();
  clock.Advance(std::chrono::seconds(30));
  EXPECT_EQ(clock.Now() - m, std::chrono::seconds(30));
  EXPECT_EQ(clock.WallNow() - w, std::chrono::seconds(30));
}

TEST(DecimalTextTest, WritesTheExtremesOfBothSignednesses) {
  DecimalBuffer buf;
  EXPECT_EQ(DecimalText(0, buf), "0");
  EXPECT_EQ(DecimalText(201u, buf), "201");
  EXPECT_EQ(DecimalText(std::numeric_limits<int64_t>::min(), buf), "-9223372036854775808");
  EXPECT_EQ(DecimalText(std::numeric_limits<uint64_t>::max(), buf), "18446744073709551615");
}

}  // namespace
}  // namespace repram
