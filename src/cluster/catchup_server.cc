#include "cluster/catchup_server.h"

#include <chrono>
#include <optional>

namespace repram::cluster {

std::string ServeCatchupPage(const TtlStore& store, const CatchupRequest& req) {
  EntryScanner scanner = store.Scan(req.cursor, std::chrono::seconds(1));
  CatchupPageWriter page;
  std::optional<std::string> last_key;
  std::optional<std::string> next_cursor;
  while (std::optional<ScannedEntry> e = scanner.Next()) {
    if (page.count() >= static_cast<size_t>(req.limit) || page.size() > kCatchupPageBytes) {
      next_cursor = std::move(last_key);
      break;
    }
    const auto remaining =
        std::chrono::duration_cast<std::chrono::seconds>(e->remaining).count();  // floor
    page.Add(e->key, e->value, remaining, e->ttl_seconds);
    last_key = std::move(e->key);
  }
  return page.Finish(next_cursor);
}

}  // namespace repram::cluster
