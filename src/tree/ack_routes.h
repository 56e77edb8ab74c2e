#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "tree/ws_link.h"
#include "util/clock.h"

namespace repram::tree {

// ACK routes of a substrate (ws-tree.md §10.2): message id of a relayed child PUT → the child's
// connection, for `lifetime` (REPRAM_WRITE_TIMEOUT), at most max_routes (the oldest go first).
// Not thread-safe; the substrate guards it.
class AckRoutes {
 public:
  AckRoutes(Duration lifetime, size_t max_routes) : lifetime_(lifetime), max_routes_(max_routes) {}

  // Records message_id → link until now + lifetime, replacing an older route for the same id.
  void Add(const std::string& message_id, std::weak_ptr<WsLink> link, MonoTime now);

  // Returns the open connection routed for message_id at time now, or nullptr (no route, expired
  // or closed). The route stays until it expires: more ACKs may follow.
  std::shared_ptr<WsLink> Find(std::string_view message_id, MonoTime now);

  // Returns how many routes are held (expired ones included until the next Add or Find).
  size_t size() const { return routes_.size(); }

 private:
  struct Route {
    std::weak_ptr<WsLink> link;
    MonoTime expires;
    uint64_t generation;
  };
  // Drops expired routes and, above max_routes_, the oldest.
  void Prune(MonoTime now);

  Duration lifetime_;
  size_t max_routes_;
  uint64_t next_generation_ = 0;
  std::map<std::string, Route, std::less<>> routes_;
  // (message id, generation) in insertion order; entries of replaced routes are skipped.
  std::deque<std::pair<std::string, uint64_t>> order_;
};

}  // namespace repram::tree
