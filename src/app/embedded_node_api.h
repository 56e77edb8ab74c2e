#pragma once

#include "app/data_service.h"
#include "mcp/node_api.h"

namespace repram {

// mcp::NodeApi over this process's own node: the same DataService path as the HTTP handlers
// (TTL rules, local store, replication, quorum wait). Used by `repram mcp` (embedded mode) and by
// the /mcp route of every node. Thread-safe.
class EmbeddedNodeApi final : public mcp::NodeApi {
 public:
  explicit EmbeddedNodeApi(DataService& data) : data_(data) {}

  void Store(std::string key, std::string value, std::optional<int64_t> ttl,
             StoreDone done) override;
  void Retrieve(std::string key, RetrieveDone done) override;
  void Exists(std::string key, ExistsDone done) override;
  void ListKeys(std::string prefix, std::string cursor, int64_t limit, ListDone done) override;

 private:
  mcp::EntryMeta Meta(const StoredEntry& e) const;
  DataService& data_;
};

}  // namespace repram
