#include "mcp/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace repram::mcp {
namespace {

TEST(Base64Test, EncodesStandardPadded) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("hi"), "aGk=");
  EXPECT_EQ(Base64Encode(std::string("\x00\xff\x80\x01", 4)), "AP+AAQ==");
}

TEST(Base64Test, DecodesStrictInput) {
  EXPECT_EQ(Base64Decode("AP+AAQ=="), std::string("\x00\xff\x80\x01", 4));
  EXPECT_EQ(Base64Decode(""), "");
  EXPECT_EQ(Base64Decode("aGk="), "hi");
}

TEST(Base64Test, RejectsNonStrictInput) {
  for (const char* text : {"AP+AAQ", "AP+AAQ=", "AP+A AQ==", "AP+AAQ==\n",
                           "AP-_AQ==", "aGl=", "AB==", "====", "a===", "aGk=aGk="}) {
    EXPECT_EQ(Base64Decode(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace repram::mcp
