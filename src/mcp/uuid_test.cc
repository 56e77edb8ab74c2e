#include "mcp/uuid.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace repram::mcp {
namespace {

// Returns true for 8-4-4-4-12 lowercase hex with version nibble 4 and variant 8, 9, a or b.
// (std::regex trips -Wmaybe-uninitialized in g++ 12 sanitizer builds.)
bool IsLowercaseUuidV4(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = s[i];
    if (dash != (c == '-')) return false;
    if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return s[14] == '4' && std::string_view("89ab").find(s[19]) != std::string_view::npos;
}

TEST(NewUuidV4Test, IsLowercaseVersion4WithRfc4122Variant) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewUuidV4();
    EXPECT_TRUE(IsLowercaseUuidV4(id)) << id;
  }
}

TEST(NewUuidV4Test, CheckerRejectsOtherShapes) {
  EXPECT_TRUE(IsLowercaseUuidV4("0b7e3c2a-1d2e-4f30-9a4b-5c6d7e8f9a0b"));
  EXPECT_FALSE(IsLowercaseUuidV4("0B7E3C2A-1D2E-4F30-9A4B-5C6D7E8F9A0B"));
  EXPECT_FALSE(IsLowercaseUuidV4("0b7e3c2a-1d2e-1f30-9a4b-5c6d7e8f9a0b"));
  EXPECT_FALSE(IsLowercaseUuidV4("0b7e3c2a-1d2e-4f30-7a4b-5c6d7e8f9a0b"));
  EXPECT_FALSE(IsLowercaseUuidV4("0b7e3c2a1d2e-4f30-9a4b-5c6d7e8f9a0b0"));
}

TEST(NewUuidV4Test, DiffersBetweenCalls) { EXPECT_NE(NewUuidV4(), NewUuidV4()); }

}  // namespace
}  // namespace repram::mcp
