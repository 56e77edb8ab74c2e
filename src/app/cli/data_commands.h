#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/cli/node_client.h"
#include "app/cli/outcome.h"

namespace repram::cli {

struct PutOptions {
  std::string key;
  std::string file = "-";      // "-" = standard input
  std::optional<int64_t> ttl;  // seconds; unset = the node's default
};

struct GetOptions {
  std::string key;
  std::string output;  // empty = standard output
};

struct KeysOptions {
  std::string prefix;
  std::optional<int64_t> limit;  // at most this many keys in total (>= 1)
  bool all = false;              // every key, however many pages
  int64_t page_size = 1000;      // keys asked for per /v1/keys request (>= 1)
};

// `repram put`: PUT /v1/data/{key} with the bytes of the file (or stdin). 201 -> quiet success,
// 202 -> warning on err, exit 0. --json prints {key, status, replicated, created_at, original_ttl}.
int RunPut(NodeClient& client, const PutOptions& options, bool json, Streams io);

// `repram get`: GET /v1/data/{key}; the exact bytes go to stdout or the output file. --json
// prints {key, size, created_at, original_ttl, remaining_ttl, value_base64} (no value with -o).
int RunGet(NodeClient& client, const GetOptions& options, bool json, Streams io);

// `repram ttl`: HEAD /v1/data/{key}; prints created_at, original_ttl and remaining_ttl.
int RunTtl(NodeClient& client, const std::string& key, bool json, Streams io);

// `repram keys`: GET /v1/keys, following next_cursor pages up to the limit (or to the end with
// --all); one key per line, or --json {keys, next_cursor when more remain}. Without --all or
// --limit it lists one page and says on err when more remain.
int RunKeys(NodeClient& client, const KeysOptions& options, bool json, Streams io);

}  // namespace repram::cli
