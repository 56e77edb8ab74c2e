#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.h"
#include "util/status.h"

namespace repram::mcp {

// Text an embedded NodeApi should put in the Status of a Store that failed because the node's
// storage is full (mcp.md §2.1). The MCP server shows failure messages verbatim.
inline constexpr std::string_view kStorageFullMessage = "storage capacity exceeded";

// What a successful write reports (HTTP 201 or 202 on the serving node).
struct StoreReceipt {
  bool replicated = false;  // true = quorum observed (201); false = stored, quorum pending (202)
  int64_t ttl_seconds = 0;  // effective TTL after the http-api.md §4 default/clamp rules
  WallTime created_at;      // store time of the serving node's copy
};

// Metadata of one live entry (GET/HEAD headers).
struct EntryMeta {
  WallTime created_at;                // X-Created-At
  int64_t ttl_seconds = 0;            // X-Original-TTL
  int64_t remaining_ttl_seconds = 0;  // X-Remaining-TTL: floor((expires_at - now) / 1 s)
};

// A copy of one live entry.
struct Entry {
  std::string value;  // opaque bytes
  EntryMeta meta;
};

// One page of a key listing (http-api.md §7).
struct KeyListing {
  std::vector<std::string> keys;           // live keys, byte-wise ascending
  std::optional<std::string> next_cursor;  // set only when the page was truncated
};

// The node operations the MCP tools act on. Two implementations: the embedded node (same code
// path as the HTTP handlers) and RemoteNodeApi (HTTP to the node at REPRAM_URL).
//
// Every method is asynchronous and calls `done` exactly once, possibly before returning and
// possibly on another thread. A failure Status carries the text shown to the model as an
// isError tool result (e.g. kStorageFullMessage, "Store failed with status 507: ...").
// Thread-safe: methods may be called concurrently from any thread.
class NodeApi {
 public:
  using StoreDone = std::function<void(Result<StoreReceipt>)>;
  using RetrieveDone = std::function<void(Result<std::optional<Entry>>)>;
  using ExistsDone = std::function<void(Result<std::optional<EntryMeta>>)>;
  using ListDone = std::function<void(Result<KeyListing>)>;

  virtual ~NodeApi() = default;

  // Writes value under key like PUT /v1/data/{key} with X-TTL: ttl (nullopt = no TTL given),
  // applying the TTL default/clamp rules, replication and the quorum wait.
  // REQUIRES: key is 1..8192 bytes without '/'; value is at most 10 MiB.
  virtual void Store(std::string key, std::string value, std::optional<int64_t> ttl,
                     StoreDone done) = 0;

  // Reads the live entry under key; nullopt when missing or expired.
  virtual void Retrieve(std::string key, RetrieveDone done) = 0;

  // Reads the live entry's metadata without its value; nullopt when missing or expired.
  virtual void Exists(std::string key, ExistsDone done) = 0;

  // Lists live keys starting with prefix, strictly after cursor (empty = from the start), at most
  // limit of them. REQUIRES: limit >= 1.
  virtual void ListKeys(std::string prefix, std::string cursor, int64_t limit, ListDone done) = 0;
};

}  // namespace repram::mcp
