#include "cluster/base64.h"

#include <gtest/gtest.h>

namespace repram::cluster {
namespace {

TEST(Base64Test, EncodesWithPaddingAndStandardAlphabet) {
  EXPECT_EQ(EncodeBase64("hello world"), "aGVsbG8gd29ybGQ=");
  EXPECT_EQ(EncodeBase64(std::string("\x00\xff\x80\x01", 4)), "AP+AAQ==");
  EXPECT_EQ(EncodeBase64(""), "");
}

TEST(Base64Test, DecodesStrictPaddedStandardText) {
  EXPECT_EQ(DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64("AP+AAQ=="), std::string("\x00\xff\x80\x01", 4));
  EXPECT_EQ(DecodeBase64(""), "");
}

TEST(Base64Test, RejectsEverythingThatIsNotStrictStandardBase64) {
  EXPECT_FALSE(DecodeBase64("aGVsbG8"));   // unpadded
  EXPECT_FALSE(DecodeBase64("AP-AAQ=="));  // URL-safe alphabet
  EXPECT_FALSE(DecodeBase64("AP_AAQ=="));  // URL-safe alphabet
  EXPECT_FALSE(DecodeBase64("aG k="));     // embedded whitespace
  EXPECT_FALSE(DecodeBase64("aGk=\n"));    // trailing newline
  EXPECT_FALSE(DecodeBase64("aGl="));      // non-zero trailing bits
  EXPECT_FALSE(DecodeBase64("aGk=aGk="));  // data after padding
  EXPECT_FALSE(DecodeBase64("===="));
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= all.size(); len += 37) {
    const std::string bytes = all.substr(0, len);
    EXPECT_EQ(DecodeBase64(EncodeBase64(bytes)), bytes) << len;
  }
}

}  // namespace
}  // namespace repram::cluster
