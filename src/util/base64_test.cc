#include "util/base64.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace repram {
namespace {

TEST(EncodeBase64Test, EncodesWithPaddingAndStandardAlphabet) {
  EXPECT_EQ(EncodeBase64(""), "");
  EXPECT_EQ(EncodeBase64("hi"), "aGk=");
  EXPECT_EQ(EncodeBase64("abc"), "YWJj");
  EXPECT_EQ(EncodeBase64("hello world"), "aGVsbG8gd29ybGQ=");
  EXPECT_EQ(EncodeBase64(std::string("\x00\xff\x80\x01", 4)), "AP+AAQ==");
  EXPECT_EQ(EncodeBase64(std::string("\x00\x01\xfe\xff hello", 10)), "AAH+/yBoZWxsbw==");
}

TEST(DecodeBase64StrictTest, DecodesCanonicalPaddedInput) {
  EXPECT_EQ(DecodeBase64Strict("aGk="), "hi");
  EXPECT_EQ(DecodeBase64Strict("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64Strict("YWJj"), "abc");
  EXPECT_EQ(DecodeBase64Strict("+/+/"), std::string("\xfb\xff\xbf"));
  EXPECT_EQ(DecodeBase64Strict("AP+AAQ=="), std::string("\x00\xff\x80\x01", 4));
}

TEST(DecodeBase64StrictTest, DecodesEmptyStringToEmptyBytes) {
  EXPECT_EQ(DecodeBase64Strict(""), "");
}

TEST(DecodeBase64StrictTest, RejectsMissingPadding) {
  for (const char* text : {"aGk", "aGVsbG8", "AP+AAQ", "AP+AAQ="}) {
    EXPECT_EQ(DecodeBase64Strict(text), std::nullopt) << text;
  }
}

TEST(DecodeBase64StrictTest, RejectsExtraPadding) {
  for (const char* text : {"aGk==", "YWJj====", "====", "a==="}) {
    EXPECT_EQ(DecodeBase64Strict(text), std::nullopt) << text;
  }
}

TEST(DecodeBase64StrictTest, RejectsWhitespaceAndLineBreaks) {
  for (const char* text :
       {" aGk=", "aGk= ", "aG\nk=", "aG\r\nk=", "aG k=", "aGk=\n", "AP+A AQ==", "AP+AAQ==\n"}) {
    EXPECT_EQ(DecodeBase64Strict(text), std::nullopt) << text;
  }
}

TEST(DecodeBase64StrictTest, RejectsUrlSafeAlphabet) {
  for (const char* text : {"-_-_", "AP-AAQ==", "AP_AAQ==", "AP-_AQ=="}) {
    EXPECT_EQ(DecodeBase64Strict(text), std::nullopt) << text;
  }
}

TEST(DecodeBase64StrictTest, RejectsNonZeroTrailingBits) {
  EXPECT_EQ(DecodeBase64Strict("aGl="), std::nullopt);  // canonical form is aGk=
  EXPECT_EQ(DecodeBase64Strict("YR=="), std::nullopt);  // canonical form is YQ==
  EXPECT_EQ(DecodeBase64Strict("AB=="), std::nullopt);  // canonical form is AA==
}

TEST(DecodeBase64StrictTest, RejectsDataOrPaddingInTheMiddle) {
  EXPECT_EQ(DecodeBase64Strict("aGk=aGk="), std::nullopt);
  EXPECT_EQ(DecodeBase64Strict("aG=k"), std::nullopt);
  EXPECT_EQ(DecodeBase64Strict(std::string("aGk=\0", 5)), std::nullopt);
}

TEST(Base64Test, RoundTripsEveryByteValueAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= all.size(); ++len) {
    const std::string bytes = all.substr(all.size() - len);
    EXPECT_EQ(DecodeBase64Strict(EncodeBase64(bytes)), bytes) << len;
  }
}

// Every string of length 4 and 8 over characters chosen to hit each branch (alphabet edges,
// values with and without zero trailing bits, padding, URL-safe and foreign bytes) is accepted
// exactly when it is the canonical standard encoding (an independent regular expression), and
// decodes to the bytes that encode back to it.
TEST(DecodeBase64StrictTest, AcceptsExactlyTheCanonicalEncodings) {
  const std::string chars = std::string("ABQgw/+=-_ z9", 13) + std::string("\0\xff", 2);
  const std::regex canonical(
      "([A-Za-z0-9+/]{4})*([A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?");
  size_t accepted = 0;
  for (const std::string prefix : {"", "QUJD"}) {
    std::string text = prefix + "xxxx";
    for (size_t n = 0; n < chars.size() * chars.size() * chars.size() * chars.size(); ++n) {
      size_t rest = n;
      for (size_t k = 0; k < 4; ++k, rest /= chars.size()) {
        text[prefix.size() + k] = chars[rest % chars.size()];
      }
      const std::optional<std::string> bytes = DecodeBase64Strict(text);
      ASSERT_EQ(bytes.has_value(), std::regex_match(text, canonical)) << text;
      if (bytes) {
        ++accepted;
        ASSERT_EQ(EncodeBase64(*bytes), text);
      }
    }
  }
  EXPECT_GT(accepted, 1000u);
}

TEST(AppendBase64Test, AppendsToWhatIsThere) {
  std::string out = "x:";
  AppendBase64(out, "hi");
  AppendBase64(out, "abc");
  EXPECT_EQ(out, "x:aGk=YWJj");
}

}  // namespace
}  // namespace repram
