#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace repram::trust {

// Whether this node is a bootstrap root (trust.md §7): some verified node entry equals
// self_advertised ("REPRAM_ADDRESS:http_port") byte for byte. Apply is called by one thread at a
// time (startup, then the refresher); is_root() may be read from any thread.
class RootStatus {
 public:
  explicit RootStatus(std::string self_advertised);

  // Recomputes the status from a verified node list. Returns the line to log: the "Initial root
  // status: ..." line on the first call, "Root status changed: ..." when the status flips,
  // nullopt otherwise.
  std::optional<std::string> Apply(const std::vector<std::string>& nodes);
  // Returns the status of the last Apply (false before the first).
  bool is_root() const { return is_root_.load(std::memory_order_acquire); }

 private:
  const std::string self_;
  bool applied_ = false;
  std::atomic<bool> is_root_{false};
};

}  // namespace repram::trust
