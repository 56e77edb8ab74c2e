#pragma once

#include <boost/asio/io_context.hpp>

#include "util/scheduler.h"

namespace repram::http {

// Scheduler on an Asio io_context: callbacks run on that context's thread. After() and
// Task::Cancel() may be called from any thread; a cancelled callback never starts.
class AsioScheduler final : public Scheduler {
 public:
  // REQUIRES: ioc and clock outlive the scheduler and every task it returned.
  AsioScheduler(boost::asio::io_context& ioc, const Clock& clock) : ioc_(ioc), clock_(clock) {}

  std::unique_ptr<Task> After(Duration d, std::function<void()> fn) override;
  const Clock& clock() const override { return clock_; }

 private:
  boost::asio::io_context& ioc_;
  const Clock& clock_;
};

}  // namespace repram::http
