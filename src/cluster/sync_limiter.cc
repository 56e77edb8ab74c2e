#include "cluster/sync_limiter.h"

namespace repram::cluster {

bool SyncLimiter::Allow(std::string_view sender, MonoTime now) {
  auto it = last_answer_.find(sender);
  if (it != last_answer_.end() && now - it->second < interval_) return false;
  last_answer_.insert_or_assign(std::string(sender), now);
  return true;
}

void SyncLimiter::Forget(std::string_view sender) {
  auto it = last_answer_.find(sender);
  if (it != last_answer_.end()) last_answer_.erase(it);
}

}  // namespace repram::cluster
