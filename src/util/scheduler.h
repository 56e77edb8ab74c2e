#pragma once

#include <functional>
#include <memory>

#include "util/clock.h"

namespace repram {

// Runs callbacks after a delay. Periodic behaviour (ping rounds, topology sync, isolation
// recovery, omega refresh, store reclaim) is written against this interface: production uses an
// Asio timer adapter (http/asio_scheduler.h), tests a FakeScheduler driven by a FakeClock.
class Scheduler {
 public:
  // Cancels the scheduled callback when destroyed or Cancel()ed; safe after it ran.
  class Task {
   public:
    virtual ~Task() = default;
    virtual void Cancel() = 0;
  };

  virtual ~Scheduler() = default;
  // Schedules fn to run once after delay d, on the scheduler's thread(s). The returned handle
  // cancels it; dropping the handle also cancels it.
  [[nodiscard]] virtual std::unique_ptr<Task> After(Duration d, std::function<void()> fn) = 0;
  // Returns the clock the scheduler measures delays with.
  virtual const Clock& clock() const = 0;
};

}  // namespace repram
