#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "mcp/json_rpc.h"
#include "util/status.h"

namespace repram::mcp {

// Limits shared by the argument checks and the advertised schemas (mcp.md §2); the key limit is
// util/limits.h kMaxKeyBytes.
inline constexpr size_t kMaxValueBytes = 10'485'760;
inline constexpr int64_t kDefaultListLimit = 1000;
inline constexpr int64_t kMaxListLimit = 10'000;

// How tool data travels in JSON strings.
enum class Encoding { kUtf8, kBase64 };

// Validated arguments of repram_store.
struct StoreArgs {
  std::optional<std::string> key;      // nullopt = generate a UUID v4
  std::string value;                   // decoded bytes
  std::optional<int64_t> ttl_seconds;  // as requested (saturated to int64), nullopt = absent
};

// Validated arguments of repram_retrieve.
struct RetrieveArgs {
  std::string key;
  Encoding encoding = Encoding::kUtf8;
};

// Validated arguments of repram_exists.
struct ExistsArgs {
  std::string key;
};

// Validated arguments of repram_list_keys.
struct ListKeysArgs {
  std::string prefix;  // empty = all keys
  std::string cursor;  // empty = from the start
  int64_t limit = kDefaultListLimit;
};

// The checks below return kInvalidArgument with the message "<field>: <problem>" (mcp.md §2.1
// texts) for the first failing argument; unknown arguments are ignored. REQUIRES: args is an
// object.

// Validates repram_store arguments and decodes `data`.
Result<StoreArgs> ParseStoreArgs(const Json& args);
// Validates repram_retrieve arguments.
Result<RetrieveArgs> ParseRetrieveArgs(const Json& args);
// Validates repram_exists arguments.
Result<ExistsArgs> ParseExistsArgs(const Json& args);
// Validates repram_list_keys arguments, filling in the default limit.
Result<ListKeysArgs> ParseListKeysArgs(const Json& args);

}  // namespace repram::mcp
