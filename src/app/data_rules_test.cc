#include "app/data_rules.h"

#include <gtest/gtest.h>

namespace repram {
namespace {

std::string KeyError(std::string_view raw) {
  auto r = DecodeDataKey(raw);
  return r.ok() ? "ok:" + *r : r.status().message();
}

TEST(DecodeDataKeyTest, SpecTableRows) {
  EXPECT_EQ(KeyError(""), "key must not be empty\n");
  EXPECT_EQ(KeyError("a/b"), "key must not contain '/'\n");
  EXPECT_EQ(KeyError("a%2Fb"), "key must not contain '/'\n");
  EXPECT_EQ(KeyError("a%2fb"), "key must not contain '/'\n");
  EXPECT_EQ(KeyError("bad%E0%A4%A"), "malformed percent-encoding in key\n");
  EXPECT_EQ(KeyError("%ZZ"), "malformed percent-encoding in key\n");
  EXPECT_EQ(KeyError("%"), "malformed percent-encoding in key\n");
  EXPECT_EQ(KeyError(std::string(8192, 'k')), "ok:" + std::string(8192, 'k'));
  EXPECT_EQ(KeyError(std::string(8193, 'k')), "key too long\n");
}

TEST(DecodeDataKeyTest, DecodesExamples) {
  EXPECT_EQ(KeyError("a%20b"), "ok:a b");
  EXPECT_EQ(KeyError("a+b"), "ok:a+b");
  EXPECT_EQ(KeyError("%E2%9C%93"), "ok:\xE2\x9C\x93");
  EXPECT_EQ(KeyError("ns:key-1_2.3~"), "ok:ns:key-1_2.3~");
  EXPECT_EQ(KeyError("%00"), std::string("ok:\0", 4));
  EXPECT_EQ(KeyError("%2E%2E"), "ok:..");
  EXPECT_EQ(KeyError(".."), "ok:..");
  // 8192 decoded bytes from a longer raw form are fine; 8193 are not.
  std::string raw;
  for (int i = 0; i < 8193; ++i) raw += "%41";
  EXPECT_EQ(KeyError(raw), "key too long\n");
}

struct TtlCase {
  std::optional<std::string> query;
  std::optional<std::string> header;
  int64_t want;
};

TEST(ResolveTtlTest, SpecTtlTable) {
  const TtlBounds b;  // 300..86400, default 1800
  const std::vector<TtlCase> cases = {
      {std::nullopt, std::nullopt, 1800},
      {std::nullopt, "600", 600},
      {std::nullopt, "0", 1800},
      {std::nullopt, "-5", 1800},
      {std::nullopt, "10", 300},
      {std::nullopt, "299", 300},
      {std::nullopt, "86401", 86400},
      {std::nullopt, "999999999999", 86400},
      {std::nullopt, "99999999999999999999", 1800},
      {std::nullopt, "abc", 1800},
      {std::nullopt, "600abc", 1800},
      {std::nullopt, "600.9", 1800},
      {std::nullopt, "6e2", 1800},
      {std::nullopt, "+600", 600},
      {std::nullopt, "  600  ", 600},
      {"1200", "900", 1200},
      {"abc", "900", 1800},
      {"", "900", 900},
      {"0", std::nullopt, 1800},
      {" 600", std::nullopt, 1800},  // ?ttl=+600 decodes to " 600"
      {"+600", std::nullopt, 600},   // ?ttl=%2B600
      {"1", std::nullopt, 300},      // ?ttl=1&ttl=900: first pair wins, then clamp
  };
  for (const auto& c : cases) {
    std::optional<std::string_view> header;
    if (c.header) header = *c.header;
    EXPECT_EQ(ResolveTtl(b, c.query, header), c.want)
        << "query=" << c.query.value_or("<none>") << " header=" << c.header.value_or("<none>");
  }
}

TEST(ResolveTtlTest, PrivateMinimumBelow300) {
  const TtlBounds b{.min_seconds = 1, .max_seconds = 86400, .default_seconds = 1800};
  EXPECT_EQ(ResolveTtl(b, std::nullopt, std::string_view("2")), 2);
}

}  // namespace
}  // namespace repram
