#pragma once

#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "trust/list_fetcher.h"

namespace repram::trust::testing {

// A ListFetcher whose results the test decides (test-only). Scripted results (Script) are
// delivered on a helper thread right after Fetch returns, for code that blocks on the answer;
// otherwise the callback waits in pending() until the test calls Complete on its own thread.
class FakeListFetcher final : public ListFetcher {
 public:
  ~FakeListFetcher() override { JoinHelpers(); }

  // Queues a result for the next Fetch, delivered asynchronously.
  void Script(Result<SignedList> result) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(result));
  }
  // Delivers result to the oldest pending fetch. REQUIRES: pending() > 0.
  void Complete(Result<SignedList> result) {
    Callback done;
    {
      std::lock_guard lock(mu_);
      done = std::move(pending_.front());
      pending_.pop_front();
    }
    done(std::move(result));
  }
  size_t pending() const {
    std::lock_guard lock(mu_);
    return pending_.size();
  }
  int fetches() const {
    std::lock_guard lock(mu_);
    return fetches_;
  }
  int cancels() const {
    std::lock_guard lock(mu_);
    return cancels_;
  }

  void Fetch(Callback done) override {
    std::lock_guard lock(mu_);
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
    std::lock_guard lock(mu_);
    ++cancels_;
    pending_.clear();
  }

 private:
  void JoinHelpers() {
    std::vector<std::thread> helpers;
    {
      std::lock_guard lock(mu_);
      helpers.swap(helpers_);
    }
    for (std::thread& t : helpers) t.join();
  }

  mutable std::mutex mu_;
  std::deque<Result<SignedList>> script_;
  std::deque<Callback> pending_;
  std::vector<std::thread> helpers_;
  int fetches_ = 0;
  int cancels_ = 0;
};

}  // namespace repram::trust::testing
