#include "app/embedded_node_api.h"

namespace repram {

void EmbeddedNodeApi::Store(std::string key, std::string value, std::optional<int64_t> ttl,
                            StoreDone done) {
  const int64_t resolved = data_.ttl_bounds().Effective(ttl);
  data_.Write(key, value, resolved, [done = std::move(done)](const WriteOutcome& o) {
    switch (o.result) {
      case WriteResult::kStoredWithQuorum:
      case WriteResult::kStoredPending:
        return done(
            mcp::StoreReceipt{o.result == WriteResult::kStoredWithQuorum, o.ttl, o.created_at});
      case WriteResult::kStorageFull:
        return done(Status(StatusCode::kFull, std::string(mcp::kStorageFullMessage)));
      case WriteResult::kFailed:
        break;
    }
    done(Status(StatusCode::kInternal, "Write failed: " + o.error));
  });
}

mcp::EntryMeta EmbeddedNodeApi::Meta(const StoredEntry& e) const {
  return {e.created_at, e.ttl_seconds, data_.RemainingSeconds(e)};
}

void EmbeddedNodeApi::Retrieve(std::string key, RetrieveDone done) {
  auto e = data_.Read(key);
  if (!e) return done(std::optional<mcp::Entry>());
  const mcp::EntryMeta meta = Meta(*e);
  done(std::optional<mcp::Entry>(mcp::Entry{std::move(e->value), meta}));
}

void EmbeddedNodeApi::Exists(std::string key, ExistsDone done) {
  auto e = data_.ReadMeta(key);
  if (!e) return done(std::optional<mcp::EntryMeta>());
  done(std::optional<mcp::EntryMeta>(Meta(*e)));
}

void EmbeddedNodeApi::ListKeys(std::string prefix, std::string cursor, int64_t limit,
                               ListDone done) {
  KeyPage page = data_.store().List(prefix, cursor, limit);
  done(mcp::KeyListing{std::move(page.keys), std::move(page.next_cursor)});
}

}  // namespace repram
