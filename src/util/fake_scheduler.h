#pragma once

#include <map>
#include <memory>
#include <utility>

#include "util/fake_clock.h"
#include "util/scheduler.h"

namespace repram {

// A Scheduler for tests: callbacks run only inside AdvanceBy(), in due-time order, with the
// FakeClock moved to each due time first. Single-threaded.
class FakeScheduler final : public Scheduler {
 public:
  explicit FakeScheduler(FakeClock& clock) : clock_(clock) {}

  std::unique_ptr<Task> After(Duration d, std::function<void()> fn) override {
    const uint64_t id = next_id_++;
    pending_.emplace(std::make_pair(clock_.Now() + d, id), std::move(fn));
    return std::make_unique<FakeTask>(this, std::make_pair(clock_.Now() + d, id));
  }
  const Clock& clock() const override { return clock_; }

  // Advances the clock by d, running every callback that falls due on the way (including ones
  // scheduled by callbacks, if due within the window).
  void AdvanceBy(Duration d) {
    const MonoTime end = clock_.Now() + d;
    while (!pending_.empty() && pending_.begin()->first.first <= end) {
      auto node = pending_.extract(pending_.begin());
      if (node.key().first > clock_.Now()) clock_.Advance(node.key().first - clock_.Now());
      node.mapped()();
    }
    if (end > clock_.Now()) clock_.Advance(end - clock_.Now());
  }
  // Returns how many callbacks are waiting.
  size_t pending() const { return pending_.size(); }

 private:
  using Key = std::pair<MonoTime, uint64_t>;
  class FakeTask final : public Task {
   public:
    FakeTask(FakeScheduler* s, Key k) : s_(s), k_(k) {}
    ~FakeTask() override { Cancel(); }
    void Cancel() override { s_->pending_.erase(k_); }

   private:
    FakeScheduler* s_;
    Key k_;
  };

  FakeClock& clock_;
  uint64_t next_id_ = 0;
  std::map<Key, std::function<void()>> pending_;
};

}  // namespace repram
