#include "http/buffer_wipe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace repram::http {
namespace {

// Writes text at the buffer's write position and commits it; returns its byte count.
size_t Put(boost::beast::flat_buffer& b, std::string_view text) {
  auto out = b.prepare(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  b.commit(text.size());
  return text.size();
}

// Returns true when the first n bytes of the (empty) buffer's storage are all zero.
bool StorageZero(boost::beast::flat_buffer& b, size_t n) {
  const auto storage = b.prepare(n);
  const char* p = static_cast<const char*>(storage.data());
  return std::all_of(p, p + n, [](char c) { return c == '\0'; });
}

TEST(WipeEmptyBufferTest, ZeroesEverythingWrittenSinceTheLastWipe) {
  boost::beast::flat_buffer b;
  b.reserve(4096);
  size_t dirty = Put(b, "PUT /v1/data/k HTTP/1.1\r\n\r\nsecret-value-one");
  b.consume(10);
  dirty += Put(b, "secret-value-two");  // appended behind the unconsumed rest
  const size_t written = dirty;
  b.consume(b.size());
  WipeEmptyBuffer(b, dirty);
  EXPECT_EQ(dirty, 0u);
  EXPECT_TRUE(StorageZero(b, written));
}

TEST(WipeEmptyBufferTest, LeavesABufferWithReadableBytesAlone) {
  boost::beast::flat_buffer b;
  size_t dirty = Put(b, "pending");
  WipeEmptyBuffer(b, dirty);
  EXPECT_EQ(dirty, 7u);
  const auto data = b.data();
  EXPECT_EQ(std::string_view(static_cast<const char*>(data.data()), data.size()), "pending");
}

}  // namespace
}  // namespace repram::http
