#include "cluster/catchup_server.h"

#include <algorithm>
#include <chrono>
#include <optional>

namespace repram::cluster {
namespace {

// The encoded size of an entry like e: base64 value, key, member names and numbers.
size_t EstimatedEntryBytes(const ScannedEntry& e) {
  return e.key.size() + (e.value.size() + 2) / 3 * 4 + 80;
}

}  // namespace

std::string ServeCatchupPage(const TtlStore& store, const CatchupRequest& req) {
  EntryScanner scanner = store.Scan(req.cursor, std::chrono::seconds(1));
  const ScannedEntry* e = scanner.Next();
  // One allocation for the page when its entries look like the first one (a page grown by
  // doubling costs copies and page faults on fresh memory).
  CatchupPageWriter page(
      e ? std::min(static_cast<size_t>(req.limit) * EstimatedEntryBytes(*e), kCatchupPageBytes)
        : 0);
  std::string last_key;
  std::optional<std::string> next_cursor;
  for (; e != nullptr; e = scanner.Next()) {
    if (page.count() >= static_cast<size_t>(req.limit) || page.size() > kCatchupPageBytes) {
      next_cursor = std::move(last_key);
      break;
    }
    const auto remaining =
        std::chrono::duration_cast<std::chrono::seconds>(e->remaining).count();  // floor
    page.Add(e->key, e->value, remaining, e->ttl_seconds);
    last_key = e->key;
  }
  return page.Finish(next_cursor);
}

}  // namespace repram::cluster
