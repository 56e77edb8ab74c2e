#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/string_map.h"

namespace repram::cluster {

// Writes this node originated that wait for quorum, keyed by message id (never the data key,
// upstream #34). Each keeps the distinct ackers: confirmations = 1 (local store) + |ackers|.
// Completion hands the callback back to the caller, which runs it outside any lock. Timeouts
// are the owner's (ClusterNode keeps one deadline queue for all writes).
// Not thread-safe: the owner (ClusterNode) serializes access.
class PendingWrites {
 public:
  using Done = std::function<void(bool quorum)>;

  // Registers a write. REQUIRES: message_id is not pending.
  void Add(std::string message_id, Done done);

  // Returns whether message_id names a pending write.
  bool Contains(std::string_view message_id) const;

  // Records acker (once per distinct id) and, when 1 + |ackers| >= quorum and no hold is left,
  // removes the write and returns its callback. At quorum with holds left, the write is marked
  // as having reached quorum and stays. nullopt when not pending or not complete yet.
  std::optional<Done> OnAck(std::string_view message_id, std::string_view acker, int quorum);

  // Backpressure: the write also waits for one more send to finish (its copy to a congested
  // peer). No-op when not pending.
  void AddHold(std::string_view message_id);
  // Releases one hold; returns the callback when that completes a write that reached quorum.
  std::optional<Done> ReleaseHold(std::string_view message_id);

  // A write removed at its deadline: the callback and whether quorum had been reached.
  struct Expired {
    Done done;
    bool quorum = false;
  };
  // Removes the write (timeout), or nullopt when already gone.
  std::optional<Expired> Remove(std::string_view message_id);

  // Removes every write and returns their callbacks (shutdown).
  std::vector<Done> TakeAll();

  size_t size() const { return writes_.size(); }

 private:
  struct Write {
    Done done;
    std::vector<std::string> ackers;  // a handful at most (quorum <= replication factor)
    int holds = 0;
    bool quorum = false;
  };
  StringMap<Write> writes_;  // by message id
};

}  // namespace repram::cluster
