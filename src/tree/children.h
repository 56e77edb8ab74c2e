#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tree/ws_link.h"

namespace repram::tree {

// The registered children of a substrate (ws-tree.md §6.1): node id → connection and enclave.
// Not thread-safe; the substrate guards it.
class ChildRegistry {
 public:
  struct Child {
    std::string id;
    std::string enclave;
    std::shared_ptr<WsLink> link;
  };

  // Returns whether a new child must be redirected: max_children == 0, or > 0 and already that
  // many children (< 0 = unlimited).
  bool AtCapacity(int max_children) const;

  // Registers id → link; returns the connection it replaces (to be closed "replaced"), if any.
  std::shared_ptr<WsLink> Register(const std::string& id, const std::string& enclave,
                                   std::shared_ptr<WsLink> link);

  // Removes id only while it still points at link (a replaced connection's close handler must
  // not remove its replacement). Returns whether it removed.
  bool Remove(const std::string& id, const WsLink* link);

  // Returns the child id, or nullptr.
  const Child* Find(std::string_view id) const;

  // Returns the children of enclave except the one with id except_id.
  std::vector<std::shared_ptr<WsLink>> InEnclave(std::string_view enclave,
                                                 std::string_view except_id) const;

  // Returns every child, sorted by id.
  std::vector<Child> All() const;

  size_t size() const { return children_.size(); }

 private:
  std::map<std::string, Child, std::less<>> children_;
};

}  // namespace repram::tree
