#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace repram {

// Longest key in bytes (http-api.md §6.1, cluster.md §5.1, mcp.md): keys are 1..8192 bytes.
inline constexpr size_t kMaxKeyBytes = 8192;

// Longest node id (gossip `from`/`to`, `node_info.id`, bootstrap and sync `node_id`), host
// address and enclave name accepted from a peer or a stranger; longer ones are `Invalid JSON`.
// Upstream ids are short ("node-1", UUIDs); the caps only stop one message from carrying megabytes.
inline constexpr size_t kMaxNodeIdBytes = 256;
inline constexpr size_t kMaxAddressBytes = 256;
inline constexpr size_t kMaxEnclaveBytes = 256;
// Longest gossip `message_id`: upstream ids embed the key (`<key>-<unixnano>`), so a key's
// length plus room for the suffix.
inline constexpr size_t kMaxMessageIdBytes = kMaxKeyBytes + 256;

// Largest TTL in seconds anywhere: the upper bound of REPRAM_MAX_TTL and of what the store accepts
// (the gossip `ttl` is a signed 32-bit integer, cluster.md §3).
inline constexpr int64_t kMaxTtlSeconds = 2'147'483'647;

// Returns true for a key of 1..kMaxKeyBytes bytes without '/' (what a replica or tool accepts).
bool IsValidKey(std::string_view key);

// Returns ttl_seconds clamped into [min_seconds, max_seconds]. REQUIRES: min_seconds <=
// max_seconds.
int64_t ClampTtl(int64_t ttl_seconds, int64_t min_seconds, int64_t max_seconds);

// The configured TTL range and default, in seconds (REPRAM_MIN_TTL, REPRAM_MAX_TTL,
// REPRAM_DEFAULT_TTL; http-api.md §4).
struct TtlBounds {
  int64_t min_seconds = 300;
  int64_t max_seconds = 86400;
  int64_t default_seconds = 1800;

  // Returns ttl_seconds clamped into [min_seconds, max_seconds].
  int64_t Clamp(int64_t ttl_seconds) const;
  // Returns the TTL a write gets: the requested one when present and > 0, else the default;
  // then clamped.
  int64_t Effective(std::optional<int64_t> requested) const;
};

}  // namespace repram
