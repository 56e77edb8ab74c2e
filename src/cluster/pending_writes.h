#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/scheduler.h"

namespace repram::cluster {

// Writes this node originated that wait for quorum, keyed by message id (never the data key,
// upstream #34). Each keeps the set of distinct ackers: confirmations = 1 (local store) +
// |ackers|. Completion hands the callback back to the caller, which runs it outside any lock.
// Not thread-safe: the owner (ClusterNode) serializes access.
class PendingWrites {
 public:
  using Done = std::function<void(bool quorum)>;

  // What the owner must do after a completion: cancel the timer (by destroying it) and call done.
  struct Completion {
    Done done;
    std::unique_ptr<Scheduler::Task> timeout;
  };

  // Registers a write. REQUIRES: message_id is not pending.
  void Add(const std::string& message_id, Done done, std::unique_ptr<Scheduler::Task> timeout);

  // Returns whether message_id names a pending write.
  bool Contains(std::string_view message_id) const;

  // Adds acker to the write's acker set and, when 1 + |ackers| >= quorum, removes the write and
  // returns its completion. nullopt when not pending or not yet at quorum.
  std::optional<Completion> OnAck(std::string_view message_id, std::string_view acker, int quorum);

  // Removes the write (timeout) and returns its completion, or nullopt when already gone.
  std::optional<Completion> Remove(std::string_view message_id);

  // Removes every write and returns their completions (shutdown).
  std::vector<Completion> TakeAll();

  size_t size() const { return writes_.size(); }

 private:
  struct Write {
    Done done;
    std::unique_ptr<Scheduler::Task> timeout;
    std::set<std::string, std::less<>> ackers;
  };

  std::unordered_map<std::string, Write> writes_;
};

}  // namespace repram::cluster
