#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace repram::cluster {

inline constexpr std::string_view kCatchupPath = "/v1/catchup";
// `limit` of a catch-up request: absent -> 1,000; clamped into 1..10,000 (cluster.md §12).
inline constexpr int64_t kCatchupDefaultLimit = 1000;
inline constexpr int64_t kCatchupMaxLimit = 10000;
// A page ends early once its encoded size passes this (8 MiB).
inline constexpr size_t kCatchupPageBytes = 8 * 1024 * 1024;

// The body of POST /v1/catchup.
struct CatchupRequest {
  std::string node_id;
  std::string enclave;
  std::string cursor;  // last key of the previous page; empty = from the start
  int64_t limit = kCatchupDefaultLimit;
  int64_t timestamp = 0;  // Unix seconds; informational
};

// Parses a request: a JSON object whose node_id, enclave, cursor are strings and limit,
// timestamp integers when present (absent or null = default). limit is clamped into
// 1..kCatchupMaxLimit; an empty enclave is "default". Returns kInvalidArgument otherwise.
Result<CatchupRequest> ParseCatchupRequest(std::string_view body);

// Serializes a request in the order node_id, enclave, cursor, limit, timestamp (compact).
std::string EncodeCatchupRequest(const CatchupRequest& req);

// One entry of a page: remaining_ttl >= 1 on the wire; original_ttl = the TTL it was written
// with.
struct CatchupEntry {
  std::string key;
  std::string value;
  int64_t remaining_ttl = 0;
  int64_t original_ttl = 0;
};

// The 200 answer: entries in byte order; next_cursor only when the page was truncated.
struct CatchupPage {
  std::vector<CatchupEntry> entries;
  std::optional<std::string> next_cursor;
};

// Builds the 200 body {"entries":[...],"next_cursor":...}\n entry by entry (values in standard
// base64), so the server can stop once size() passes kCatchupPageBytes.
class CatchupPageWriter {
 public:
  // reserve: bytes to allocate up front (the expected page size; growing costs copies).
  explicit CatchupPageWriter(size_t reserve = 0);
  // Appends one entry.
  void Add(std::string_view key, std::string_view value, int64_t remaining_ttl,
           int64_t original_ttl);
  // Returns the encoded size so far.
  size_t size() const { return out_.size(); }
  // Returns the number of entries added.
  size_t count() const { return count_; }
  // Closes the page (with next_cursor when set) and returns the body; the writer is spent.
  std::string Finish(const std::optional<std::string>& next_cursor);

 private:
  void AppendInt(int64_t v);

  std::string out_;
  size_t count_ = 0;
};

// Parses a 200 body strictly: an object with an `entries` array of objects holding a string key,
// strict padded base64 data and integer remaining_ttl / original_ttl, and an optional string
// next_cursor. Returns kUnavailable otherwise (the page failed).
// A body in the exact form CatchupPageWriter emits is read by a fast reader, any other by the
// general one (same acceptance).
Result<CatchupPage> ParseCatchupPage(std::string_view body);

// The two readers of ParseCatchupPage, exposed for its differential test. The canonical one
// returns nullopt for any body not in the writer's exact form (and for invalid base64).
std::optional<CatchupPage> ReadCanonicalCatchupPage(std::string_view body);
Result<CatchupPage> ReadCatchupPageGeneral(std::string_view body);

}  // namespace repram::cluster
