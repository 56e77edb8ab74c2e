#include "trust/base64.h"

#include <gtest/gtest.h>

namespace repram::trust {
namespace {

TEST(Base64Test, DecodesCanonicalPaddedInput) {
  EXPECT_EQ(DecodeBase64Strict("aGk="), "hi");
  EXPECT_EQ(DecodeBase64Strict("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64Strict("YWJj"), "abc");
  EXPECT_EQ(DecodeBase64Strict("+/+/"), std::string("\xfb\xff\xbf"));
}

TEST(Base64Test, DecodesEmptyStringToEmptyBytes) { EXPECT_EQ(DecodeBase64Strict(""), ""); }

TEST(Base64Test, RejectsMissingPadding) {
  EXPECT_EQ(DecodeBase64Strict("aGk"), std::nullopt);
  EXPECT_EQ(DecodeBase64Strict("aGVsbG8"), std::nullopt);
}

TEST(Base64Test, RejectsExtraPadding) {
  EXPECT_EQ(DecodeBase64Strict("aGk=="), std::nullopt);
  EXPECT_EQ(DecodeBase64Strict("YWJj===="), std::nullopt);
}

TEST(Base64Test, RejectsWhitespaceAndLineBreaks) {
  EXPECT_EQ(DecodeBase64Strict(" aGk="), std::nullopt);
  EXPECT_EQ(DecodeBase64Strict("aGk= "), std::nullopt);
  EXPECT_EQ(DecodeBase64Strict("aG\nk="), std::nullopt);
  EXPECT_EQ(DecodeBase64Strict("aG\r\nk="), std::nullopt);
}

TEST(Base64Test, RejectsUrlSafeAlphabet) { EXPECT_EQ(DecodeBase64Strict("-_-_"), std::nullopt); }

TEST(Base64Test, RejectsNonZeroTrailingBits) {
  EXPECT_EQ(DecodeBase64Strict("aGl="), std::nullopt);  // canonical form is aGk=
  EXPECT_EQ(DecodeBase64Strict("YR=="), std::nullopt);  // canonical form is YQ==
}

TEST(Base64Test, RejectsPaddingInTheMiddle) {
  EXPECT_EQ(DecodeBase64Strict("aGk=aGk="), std::nullopt);
}

TEST(Base64Test, EncodeRoundTripsThroughStrictDecode) {
  const std::string bytes("\x00\x01\xfe\xff hello", 10);
  const std::string encoded = EncodeBase64(bytes);
  EXPECT_EQ(encoded, "AAH+/yBoZWxsbw==");
  EXPECT_EQ(DecodeBase64Strict(encoded), bytes);
}

}  // namespace
}  // namespace repram::trust
