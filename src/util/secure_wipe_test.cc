#include "util/secure_wipe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace repram {
namespace {

TEST(SecureWipeTest, ZeroesTheRange) {
  char bytes[8] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
  SecureWipe(bytes + 2, 4);
  EXPECT_EQ(std::string(bytes, 8), std::string("ab\0\0\0\0gh", 8));
}

TEST(SecureWipeTest, AcceptsNullAndEmpty) {
  SecureWipe(nullptr, 16);
  char c = 'x';
  SecureWipe(&c, 0);
  EXPECT_EQ(c, 'x');
}

TEST(SecureClearTest, ZeroesTheBytesHeldAndKeepsTheCapacity) {
  std::string s(100, 'v');
  const size_t capacity = s.capacity();
  SecureClear(s);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.capacity(), capacity);
  // The storage is still the string's own (capacity + 1 bytes in libstdc++); look at it without
  // resizing, which would write zeros itself.
  const char* storage = s.data();
  EXPECT_TRUE(std::all_of(storage, storage + 100, [](char c) { return c == '\0'; }));
}

}  // namespace
}  // namespace repram
