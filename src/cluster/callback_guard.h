#pragma once

#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "util/mutex.h"

namespace repram::cluster {

// Makes asynchronous callbacks that capture a raw owner pointer (transport completions, timer
// tasks) safe to outlive the owner: a wrapped callback runs only while the guard is open, and
// Close() blocks until wrapped callbacks running on other threads have returned. After Close()
// returns, no wrapped callback starts. Callbacks running on the closing thread itself (Close
// called from inside one) are not waited for.
// Thread-safe.
class CallbackGuard {
 public:
  CallbackGuard() : state_(std::make_shared<State>()) {}
  ~CallbackGuard() { Close(); }
  CallbackGuard(const CallbackGuard&) = delete;
  CallbackGuard& operator=(const CallbackGuard&) = delete;

  // Returns a callable that invokes fn(args...) while the guard is open and does nothing after.
  template <typename F>
  auto Wrap(F fn) const {
    return [state = state_, fn = std::move(fn)](auto&&... args) mutable {
      if (!Enter(*state)) return;
      const Exit exit{*state};
      fn(std::forward<decltype(args)>(args)...);
    };
  }

  // Closes the guard and waits for running callbacks on other threads. Idempotent.
  void Close();

  // Returns whether Close() was called.
  bool closed() const;

 private:
  struct State {
    mutable Mutex mu;
    CondVar left;  // notified whenever a callback returns
    bool open GUARDED_BY(mu) = true;
    std::vector<std::thread::id> running GUARDED_BY(mu);  // one entry per callback in progress
  };

  static bool Enter(State& state);
  static void Leave(State& state);

  // Leaves the guard when the callback returns (or throws). A class of its own rather than one
  // local to Wrap's lambda, which clang reports as an undefined internal destructor.
  struct Exit {
    State& state;
    ~Exit() { Leave(state); }
  };

  std::shared_ptr<State> state_;
};

}  // namespace repram::cluster
