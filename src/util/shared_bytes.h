#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace repram {

// An immutable byte string whose copies share one reference-counted buffer: a broadcast body
// held by the requests to many peers (and by their write buffers) costs its size once.
// Thread-safe to copy and read from any thread (the bytes never change).
class SharedBytes {
 public:
  SharedBytes() = default;
  // Takes ownership of bytes (implicit, so `request.body = EncodeX(...)` keeps working).
  SharedBytes(std::string bytes) : bytes_(std::make_shared<const std::string>(std::move(bytes))) {}

  // Returns the bytes (empty when default-constructed); valid while any copy lives.
  std::string_view view() const { return bytes_ ? std::string_view(*bytes_) : std::string_view(); }
  operator std::string_view() const { return view(); }
  const char* data() const { return view().data(); }
  size_t size() const { return bytes_ ? bytes_->size() : 0; }
  bool empty() const { return size() == 0; }

  friend bool operator==(const SharedBytes& a, std::string_view b) { return a.view() == b; }

 private:
  std::shared_ptr<const std::string> bytes_;
};

}  // namespace repram
