#include "trust/root_status.h"

#include <algorithm>

namespace repram::trust {

RootStatus::RootStatus(std::string self_advertised) : self_(std::move(self_advertised)) {}

std::optional<std::string> RootStatus::Apply(const std::vector<std::string>& nodes) {
  const bool root = std::find(nodes.begin(), nodes.end(), self_) != nodes.end();
  const bool was_applied = applied_;
  const bool was_root = is_root_.exchange(root, std::memory_order_acq_rel);
  applied_ = true;
  if (!was_applied) {
    return root ? "Initial root status: bootstrap root (advertised as " + self_ + ")"
                : "Initial root status: not a root (advertised as " + self_ +
                      "); /v1/bootstrap returns 403";
  }
  if (root == was_root) return std::nullopt;
  return root ? "Root status changed: this node is now a bootstrap root"
              : "Root status changed: this node is no longer a bootstrap root";
}

}  // namespace repram::trust
