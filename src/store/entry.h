#pragma once

#include <boost/intrusive/list_hook.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace repram::store {

// Hook linking an Entry into one expiry bucket; auto_unlink lets overwrite and reclaim unlink in
// O(1) without knowing the bucket (two pointers, 16 bytes).
using ExpiryHook =
    boost::intrusive::list_member_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>>;

// One stored key/value pair in a single heap allocation:
//
//   [ hook 16 | expires_ns 8 | value_size 4 | ttl_seconds 4 ] [ key_size 2 | key | value ]
//   '------------------- Entry object, 32 bytes ----------------' '--- trailing bytes ---'
//
// The trailing bytes live after the object (the "trailing objects" idiom) so no padding is
// wasted; key_size is stored there unaligned through memcpy. Created-at is not stored: it is
// expires_ns - ttl_seconds, converted to wall time by the owner (see TtlStore).
// Immutable after Create() except for the hook. Not thread-safe; owned by one shard.
class Entry {
 public:
  // Allocates and fills an entry. REQUIRES: key.size() <= UINT16_MAX, value.size() <= UINT32_MAX.
  static Entry* Create(std::string_view key, std::string_view value, int64_t expires_ns,
                       uint32_t ttl_seconds);
  // Unlinks (if linked), zeroes the key and value bytes and frees an entry made by Create.
  // Accepts nullptr.
  static void Destroy(Entry* e);

  // Returns the number of bytes Create requests from the allocator for these sizes.
  static size_t AllocationSize(size_t key_size, size_t value_size) {
    return sizeof(Entry) + sizeof(uint16_t) + key_size + value_size;
  }

  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  // Returns the key bytes.
  std::string_view key() const { return {Tail() + sizeof(uint16_t), key_size()}; }
  // Returns the value bytes.
  std::string_view value() const { return {Tail() + sizeof(uint16_t) + key_size(), value_size_}; }
  // Returns the monotonic expiry in nanoseconds since the steady-clock epoch.
  int64_t expires_ns() const { return expires_ns_; }
  // Returns the stored TTL.
  uint32_t ttl_seconds() const { return ttl_seconds_; }
  // Returns the value length.
  uint32_t value_size() const { return value_size_; }
  // Returns true when the entry is expired at now_ns (now >= expires_at).
  bool ExpiredAt(int64_t now_ns) const { return now_ns >= expires_ns_; }

  ExpiryHook hook;

 private:
  Entry(int64_t expires_ns, uint32_t value_size, uint32_t ttl_seconds)
      : expires_ns_(expires_ns), value_size_(value_size), ttl_seconds_(ttl_seconds) {}
  ~Entry() = default;

  const char* Tail() const { return reinterpret_cast<const char*>(this) + sizeof(Entry); }
  char* Tail() { return reinterpret_cast<char*>(this) + sizeof(Entry); }
  size_t key_size() const {
    uint16_t n;
    std::memcpy(&n, Tail(), sizeof n);
    return n;
  }

  int64_t expires_ns_;
  uint32_t value_size_;
  uint32_t ttl_seconds_;
};

static_assert(sizeof(Entry) == 32, "Entry header must stay packed into 32 bytes");

}  // namespace repram::store
