#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mcp/http_sender.h"
#include "mcp/node_api.h"
#include "util/clock.h"
#include "util/status.h"

namespace repram::mcp {

// Where the remote node lives, from REPRAM_URL.
struct RemoteEndpoint {
  std::string url;   // as given, trailing '/' stripped; used in error messages
  std::string host;  // without IPv6 brackets
  uint16_t port = 80;
  std::string base_path;  // "" or "/prefix" (no trailing '/'), put before "/v1/..."
};

// Parses REPRAM_URL: http://host[:port][/path], trailing '/' stripped. Other schemes fail with
// "REPRAM_URL: only http:// URLs are supported"; other malformed URLs with
// "REPRAM_URL: invalid URL: <url>".
Result<RemoteEndpoint> ParseRemoteUrl(std::string_view url);

// NodeApi of `repram mcp` remote mode (mcp.md §3.1): every tool becomes HTTP requests to the
// node at REPRAM_URL (10 s timeout each):
//   Store    PUT  /v1/data/{key} (Content-Type: application/octet-stream, X-TTL when given);
//            201 -> replicated, 202 -> pending; TTL/created_at from X-Original-TTL/X-Created-At,
//            else a follow-up HEAD, else the local clamp with default bounds and local time.
//   Retrieve GET  /v1/data/{key}; 200 found, 404 miss. Exists: HEAD likewise.
//   ListKeys GET  /v1/keys?prefix=&cursor=&limit= (prefix/cursor only when non-empty).
// Other statuses fail with "<Op> failed with status <code>: <reason phrase>" (507 with code
// kFull), transport errors with "connection to <url> failed: <reason>".
// Thread-safe. Pending callbacks keep what they need alive; clock must outlive them.
class RemoteNodeApi final : public NodeApi {
 public:
  RemoteNodeApi(RemoteEndpoint endpoint, HttpSender sender, const Clock& clock);

  void Store(std::string key, std::string value, std::optional<int64_t> ttl,
             StoreDone done) override;
  void Retrieve(std::string key, RetrieveDone done) override;
  void Exists(std::string key, ExistsDone done) override;
  void ListKeys(std::string prefix, std::string cursor, int64_t limit, ListDone done) override;

 private:
  struct Shared;
  // Completes a Store receipt from the PUT's headers, else a follow-up HEAD's, else defaults.
  static void FinishStore(const std::shared_ptr<const Shared>& shared, const std::string& key,
                          std::optional<int64_t> ttl, StoreReceipt receipt,
                          std::optional<int64_t> put_ttl, std::optional<WallTime> put_created,
                          StoreDone done);

  std::shared_ptr<const Shared> shared_;
};

}  // namespace repram::mcp
