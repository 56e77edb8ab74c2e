#include "util/limits.h"

#include <gtest/gtest.h>

#include <string>

namespace repram {
namespace {

TEST(IsValidKeyTest, OneTo8192BytesWithoutSlash) {
  EXPECT_TRUE(IsValidKey("k"));
  EXPECT_TRUE(IsValidKey(std::string(kMaxKeyBytes, 'k')));
  EXPECT_TRUE(IsValidKey(std::string("a\0b", 3)));
  EXPECT_FALSE(IsValidKey(""));
  EXPECT_FALSE(IsValidKey(std::string(kMaxKeyBytes + 1, 'k')));
  EXPECT_FALSE(IsValidKey("a/b"));
  EXPECT_EQ(kMaxKeyBytes, 8192u);
}

TEST(ClampTtlTest, KeepsTheValueInsideTheBounds) {
  EXPECT_EQ(ClampTtl(600, 300, 86400), 600);
  EXPECT_EQ(ClampTtl(10, 300, 86400), 300);
  EXPECT_EQ(ClampTtl(0, 300, 86400), 300);
  EXPECT_EQ(ClampTtl(-5, 300, 86400), 300);
  EXPECT_EQ(ClampTtl(86401, 300, 86400), 86400);
  EXPECT_EQ(ClampTtl(INT64_MAX, 1, 2147483647), 2147483647);
  EXPECT_EQ(ClampTtl(7, 7, 7), 7);
}

TEST(TtlBoundsTest, DefaultsAre300To86400With1800) {
  const TtlBounds b;
  EXPECT_EQ(b.min_seconds, 300);
  EXPECT_EQ(b.max_seconds, 86400);
  EXPECT_EQ(b.default_seconds, 1800);
  EXPECT_EQ(b.Clamp(299), 300);
  EXPECT_EQ(b.Clamp(86401), 86400);
}

TEST(TtlBoundsTest, EffectiveUsesTheDefaultForAbsentOrNonPositiveThenClamps) {
  const TtlBounds b;
  EXPECT_EQ(b.Effective(std::nullopt), 1800);
  EXPECT_EQ(b.Effective(0), 1800);
  EXPECT_EQ(b.Effective(-5), 1800);
  EXPECT_EQ(b.Effective(600), 600);
  EXPECT_EQ(b.Effective(10), 300);
  EXPECT_EQ(b.Effective(999999999999), 86400);
  const TtlBounds clamped_default{.min_seconds = 1, .max_seconds = 60, .default_seconds = 1800};
  EXPECT_EQ(clamped_default.Effective(std::nullopt), 60);
  EXPECT_EQ(clamped_default.Effective(2), 2);
}

}  // namespace
}  // namespace repram
