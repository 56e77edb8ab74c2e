#include "cluster/callback_guard.h"

#include <algorithm>

namespace repram::cluster {

bool CallbackGuard::Enter(State& state) {
  MutexLock lock(state.mu);
  if (!state.open) return false;
  state.running.push_back(std::this_thread::get_id());
  return true;
}

void CallbackGuard::Leave(State& state) {
  MutexLock lock(state.mu);
  auto it = std::find(state.running.begin(), state.running.end(), std::this_thread::get_id());
  state.running.erase(it);
  state.left.NotifyAll();
}

void CallbackGuard::Close() {
  MutexLock lock(state_->mu);
  state_->open = false;
  const std::thread::id self = std::this_thread::get_id();
  auto other = [self](std::thread::id id) { return id != self; };
  while (std::any_of(state_->running.begin(), state_->running.end(), other)) {
    state_->left.Wait(state_->mu);
  }
}

bool CallbackGuard::closed() const {
  MutexLock lock(state_->mu);
  return !state_->open;
}

}  // namespace repram::cluster
