#include "cluster/pending_writes.h"

#include <algorithm>
#include <utility>

namespace repram::cluster {

void PendingWrites::Add(std::string message_id, Done done) {
  writes_.emplace(std::move(message_id), Write{std::move(done), {}, 0, false});
}

bool PendingWrites::Contains(std::string_view message_id) const {
  return writes_.find(message_id) != writes_.end();
}

std::optional<PendingWrites::Done> PendingWrites::OnAck(std::string_view message_id,
                                                        std::string_view acker, int quorum) {
  auto it = writes_.find(message_id);
  if (it == writes_.end()) return std::nullopt;
  std::vector<std::string>& ackers = it->second.ackers;
  if (std::find(ackers.begin(), ackers.end(), acker) == ackers.end()) ackers.emplace_back(acker);
  if (1 + static_cast<int>(ackers.size()) < quorum) return std::nullopt;
  it->second.quorum = true;
  if (it->second.holds > 0) return std::nullopt;
  Done done = std::move(it->second.done);
  writes_.erase(it);
  return done;
}

void PendingWrites::AddHold(std::string_view message_id) {
  if (auto it = writes_.find(message_id); it != writes_.end()) ++it->second.holds;
}

std::optional<PendingWrites::Done> PendingWrites::ReleaseHold(std::string_view message_id) {
  auto it = writes_.find(message_id);
  if (it == writes_.end() || it->second.holds == 0) return std::nullopt;
  if (--it->second.holds > 0 || !it->second.quorum) return std::nullopt;
  Done done = std::move(it->second.done);
  writes_.erase(it);
  return done;
}

std::optional<PendingWrites::Expired> PendingWrites::Remove(std::string_view message_id) {
  auto it = writes_.find(message_id);
  if (it == writes_.end()) return std::nullopt;
  Expired expired{std::move(it->second.done), it->second.quorum};
  writes_.erase(it);
  return expired;
}

std::vector<PendingWrites::Done> PendingWrites::TakeAll() {
  std::vector<Done> out;
  out.reserve(writes_.size());
  for (auto& [id, write] : writes_) out.push_back(std::move(write.done));
  writes_.clear();
  return out;
}

}  // namespace repram::cluster
