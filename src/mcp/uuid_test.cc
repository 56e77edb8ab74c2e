#include "mcp/uuid.h"

#include <gtest/gtest.h>

#include <regex>

namespace repram::mcp {
namespace {

TEST(NewUuidV4Test, IsLowercaseVersion4WithRfc4122Variant) {
  static const std::regex kUuid(
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewUuidV4();
    EXPECT_TRUE(std::regex_match(id, kUuid)) << id;
  }
}

TEST(NewUuidV4Test, DiffersBetweenCalls) { EXPECT_NE(NewUuidV4(), NewUuidV4()); }

}  // namespace
}  // namespace repram::mcp
