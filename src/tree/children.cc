#include "tree/children.h"

namespace repram::tree {

bool ChildRegistry::AtCapacity(int max_children) const {
  if (max_children < 0) return false;
  return children_.size() >= static_cast<size_t>(max_children);
}

std::shared_ptr<WsLink> ChildRegistry::Register(const std::string& id, const std::string& enclave,
                                                std::shared_ptr<WsLink> link) {
  Child& slot = children_[id];
  std::shared_ptr<WsLink> replaced = std::move(slot.link);
  slot = Child{id, enclave, std::move(link)};
  return replaced;
}

bool ChildRegistry::Remove(const std::string& id, const WsLink* link) {
  const auto it = children_.find(id);
  if (it == children_.end() || it->second.link.get() != link) return false;
  children_.erase(it);
  return true;
}

const ChildRegistry::Child* ChildRegistry::Find(std::string_view id) const {
  const auto it = children_.find(id);
  return it == children_.end() ? nullptr : &it->second;
}

std::vector<std::shared_ptr<WsLink>> ChildRegistry::InEnclave(std::string_view enclave,
                                                              std::string_view except_id) const {
  std::vector<std::shared_ptr<WsLink>> out;
  for (const auto& [id, child] : children_) {
    if (child.enclave == enclave && id != except_id) out.push_back(child.link);
  }
  return out;
}

std::vector<ChildRegistry::Child> ChildRegistry::All() const {
  std::vector<Child> out;
  out.reserve(children_.size());
  for (const auto& [id, child] : children_) out.push_back(child);
  return out;
}

}  // namespace repram::tree
