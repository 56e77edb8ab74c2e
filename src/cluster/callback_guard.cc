#include "cluster/callback_guard.h"

#include <algorithm>

namespace repram::cluster {

bool CallbackGuard::Enter(State& state) {
  std::lock_guard lock(state.mu);
  if (!state.open) return false;
  state.running.push_back(std::this_thread::get_id());
  return true;
}

void CallbackGuard::Leave(State& state) {
  std::lock_guard lock(state.mu);
  auto it = std::find(state.running.begin(), state.running.end(), std::this_thread::get_id());
  state.running.erase(it);
  state.cv.notify_all();
}

void CallbackGuard::Close() {
  std::unique_lock lock(state_->mu);
  state_->open = false;
  const std::thread::id self = std::this_thread::get_id();
  state_->cv.wait(lock, [&] {
    return std::all_of(state_->running.begin(), state_->running.end(),
                       [self](std::thread::id id) { return id == self; });
  });
}

bool CallbackGuard::closed() const {
  std::lock_guard lock(state_->mu);
  return !state_->open;
}

}  // namespace repram::cluster
