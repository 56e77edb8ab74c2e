#include "util/secure_wipe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace repram {
namespace {

// Where LeaveMarkerInDeadFrame's frame was: stack memory below the test's frame once it returned.
uintptr_t g_dead_frame = 0;
constexpr size_t kMarkerBytes = 256;

__attribute__((noinline, no_sanitize("address"))) void LeaveMarkerInDeadFrame() {
  volatile char frame[kMarkerBytes];
  for (size_t i = 0; i < kMarkerBytes; ++i) frame[i] = 'M';
  g_dead_frame = reinterpret_cast<uintptr_t>(frame);
}

// Counts marker bytes left in the dead frame, with plain loads only (a call would reuse the
// very stack it inspects). Reading a dead frame is what the test is about: ASan stays out.
__attribute__((noinline, no_sanitize("address"))) size_t MarkerBytesLeft() {
  const auto* frame = reinterpret_cast<const volatile char*>(g_dead_frame);
  size_t left = 0;
  for (size_t i = 0; i < kMarkerBytes; ++i) left += frame[i] == 'M' ? 1 : 0;
  return left;
}

TEST(SecureWipeStackTest, ZeroesWhatAnEarlierCallLeftBelowTheCaller) {
  LeaveMarkerInDeadFrame();
  const size_t before = MarkerBytesLeft();
  LeaveMarkerInDeadFrame();
  SecureWipeStack();
  const size_t after = MarkerBytesLeft();
  // The marker survives its frame (sanitizer hooks in MarkerBytesLeft may reuse a few bytes of
  // it), so the check can fail.
  EXPECT_GT(before, kMarkerBytes / 2);
  EXPECT_EQ(after, 0u);
}

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
