#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/types.h"
#include "store/ttl_store.h"

namespace repram {

// The JSON body of GET /v1/keys (http-api.md §7), written a part at a time from the store's
// ordered index (TtlStore::ScanKeys): {"keys":[...]} plus "next_cursor" when `limit` truncated
// it, and the trailing newline, byte for byte what a JsonWriter would write for the whole page.
// In memory at any time: one part and the scanner's read-ahead; no store lock is held between
// parts (not a snapshot, like a paged listing). Not thread-safe; REQUIRES: store outlives it.
class KeyListingBody final : public http::BodySource {
 public:
  static constexpr size_t kPartBytes = 64 * 1024;

  // limit <= 0 = every key. part_bytes = the size a part reaches before Next returns.
  KeyListingBody(const TtlStore& store, std::string_view prefix, std::string_view cursor,
                 int64_t limit, size_t part_bytes = kPartBytes);

  // Appends the next part (at least part_bytes, except the last) to out. Returns true while
  // more follows.
  bool Next(std::string& out) override;

 private:
  EntryScanner scanner_;
  const uint64_t max_keys_;
  const size_t part_bytes_;
  uint64_t written_ = 0;  // keys written so far
  std::string last_key_;  // the limit-th key, once written
  bool started_ = false;
  bool done_ = false;
};

}  // namespace repram
