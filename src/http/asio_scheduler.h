#pragma once

#include <boost/asio/io_context.hpp>

#include "util/scheduler.h"

namespace repram::http {

// Scheduler on one Asio io_context: callbacks run on that context's thread, never inside After().
// After() and Task::Cancel() may be called from any thread (they only post to the context).
// Cancel() never waits. On the context's thread it means the callback never runs afterwards;
// from another thread a callback already running, or just past its cancelled check, may still
// run after Cancel() returns (AsioTask::Cancel): an owner that drops its task on another thread
// must keep what the callback uses alive until the context is stopped (Node cancels its tasks,
// then stops the pool, then destroys components). Delays are measured by Asio's steady clock,
// which SystemClock reads too; clock() only returns the Clock given here.
class AsioScheduler final : public Scheduler {
 public:
  // REQUIRES: ioc outlives the scheduler and every task it returned; clock outlives the scheduler.
  AsioScheduler(boost::asio::io_context& ioc, const Clock& clock) : ioc_(ioc), clock_(clock) {}

  std::unique_ptr<Task> After(Duration d, std::function<void()> fn) override;
  const Clock& clock() const override { return clock_; }

 private:
  boost::asio::io_context& ioc_;
  const Clock& clock_;
};

}  // namespace repram::http
