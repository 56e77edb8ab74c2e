#include "tree/ack_routes.h"

namespace repram::tree {

void AckRoutes::Add(const std::string& message_id, std::weak_ptr<WsLink> link, MonoTime now) {
  const uint64_t generation = next_generation_++;
  routes_[message_id] = Route{std::move(link), now + lifetime_, generation};
  order_.emplace_back(message_id, generation);
  Prune(now);
}

std::shared_ptr<WsLink> AckRoutes::Find(std::string_view message_id, MonoTime now) {
  Prune(now);
  const auto it = routes_.find(message_id);
  if (it == routes_.end()) return nullptr;
  std::shared_ptr<WsLink> link = it->second.link.lock();
  return link != nullptr && link->IsOpen() ? link : nullptr;
}

void AckRoutes::Prune(MonoTime now) {
  // Every route expires lifetime_ after it was added, so insertion order is expiry order.
  while (!order_.empty()) {
    const auto& [id, generation] = order_.front();
    const auto it = routes_.find(id);
    const bool current = it != routes_.end() && it->second.generation == generation;
    if (current && it->second.expires > now && routes_.size() <= max_routes_) break;
    if (current) routes_.erase(it);
    order_.pop_front();
  }
}

}  // namespace repram::tree
