#include "cluster/pending_writes.h"

#include <utility>

namespace repram::cluster {

void PendingWrites::Add(const std::string& message_id, Done done,
                        std::unique_ptr<Scheduler::Task> timeout) {
  writes_.emplace(message_id, Write{std::move(done), std::move(timeout), {}});
}

bool PendingWrites::Contains(std::string_view message_id) const {
  return writes_.contains(std::string(message_id));
}

std::optional<PendingWrites::Completion> PendingWrites::OnAck(std::string_view message_id,
                                                              std::string_view acker, int quorum) {
  auto it = writes_.find(std::string(message_id));
  if (it == writes_.end()) return std::nullopt;
  it->second.ackers.emplace(acker);
  if (1 + static_cast<int>(it->second.ackers.size()) < quorum) return std::nullopt;
  return Remove(message_id);
}

std::optional<PendingWrites::Completion> PendingWrites::Remove(std::string_view message_id) {
  auto node = writes_.extract(std::string(message_id));
  if (node.empty()) return std::nullopt;
  return Completion{std::move(node.mapped().done), std::move(node.mapped().timeout)};
}

std::vector<PendingWrites::Completion> PendingWrites::TakeAll() {
  std::vector<Completion> out;
  out.reserve(writes_.size());
  for (auto& [id, write] : writes_) {
    out.push_back(Completion{std::move(write.done), std::move(write.timeout)});
  }
  writes_.clear();
  return out;
}

}  // namespace repram::cluster
