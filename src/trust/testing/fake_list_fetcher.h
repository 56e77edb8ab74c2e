#pragma once

#include <deque>
#include <thread>
#include <utility>
#include <vector>

#include "trust/list_fetcher.h"
#include "util/mutex.h"

namespace repram::trust::testing {

// A ListFetcher whose results the test decides (test-only). Scripted results (Script) are
// delivered on a helper thread right after Fetch returns, for code that blocks on the answer;
// otherwise the callback waits in pending() until the test calls Complete on its own thread.
class FakeListFetcher final : public ListFetcher {
 public:
  ~FakeListFetcher() override { JoinHelpers(); }

  // Queues a result for the next Fetch, delivered asynchronously.
  void Script(Result<SignedList> result) {
    MutexLock lock(mu_);
    script_.push_back(std::move(result));
  }
  // Delivers result to the oldest pending fetch. REQUIRES: pending() > 0.
  void Complete(Result<SignedList> result) {
    Callback done;
    {
      MutexLock lock(mu_);
      done = std::move(pending_.front());
      pending_.pop_front();
    }
    done(std::move(result));
  }
  size_t pending() const {
    MutexLock lock(mu_);
    return pending_.size();
  }
  int fetches() const {
    MutexLock lock(mu_);
    return fetches_;
  }
  int cancels() const {
    MutexLock lock(mu_);
    return cancels_;
  }

  void Fetch(Callback done) override {
    MutexLock lock(mu_);
    ++fetches_;
    if (script_.empty()) {
      pending_.push_back(std::move(done));
      return;
    }
    helpers_.emplace_back([done = std::move(done), result = std::move(script_.front())]() mutable {
      done(std::move(result));
    });
    script_.pop_front();
  }
  void Cancel() override {
    JoinHelpers();
    MutexLock lock(mu_);
    ++cancels_;
    pending_.clear();
  }

 private:
  void JoinHelpers() {
    std::vector<std::thread> helpers;
    {
      MutexLock lock(mu_);
      helpers.swap(helpers_);
    }
    for (std::thread& t : helpers) t.join();
  }

  mutable Mutex mu_;
  std::deque<Result<SignedList>> script_ GUARDED_BY(mu_);
  std::deque<Callback> pending_ GUARDED_BY(mu_);
  std::vector<std::thread> helpers_ GUARDED_BY(mu_);
  int fetches_ GUARDED_BY(mu_) = 0;
  int cancels_ GUARDED_BY(mu_) = 0;
};

}  // namespace repram::trust::testing
