#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "util/clock.h"
#include "util/scheduler.h"

namespace repram::sim {

// The simulator's clock and scheduler in one: a 4-ary heap of (due time, sequence) events over
// a slot table, so scheduling and cancelling are O(log n) and O(1) (a cancelled event is skipped
// when it reaches the top). Events due at the same instant run in the order they were scheduled,
// which makes a run a pure function of its inputs. Time starts at 0 and moves only in Run*.
// Single-threaded: every node, the network and the measures run on the caller's thread.
class EventLoop final : public Scheduler, public Clock {
 public:
  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Scheduler: runs fn once after d (d < 0 counts as 0); the handle cancels it.
  [[nodiscard]] std::unique_ptr<Task> After(Duration d, std::function<void()> fn) override;
  const Clock& clock() const override { return *this; }

  // Clock: monotonic time = simulated time since the start; wall time = March 2026 + that.
  MonoTime Now() const override { return MonoTime(Duration(now_ns_)); }
  WallTime WallNow() const override;

  // Runs fn once after d; cannot be cancelled (network deliveries, measure checkpoints).
  void Post(Duration d, std::function<void()> fn);
  // Runs every event due at or before the given elapsed time, then sets the clock to it.
  void RunUntil(Duration elapsed);
  // Returns the simulated time since the start.
  Duration Elapsed() const { return Duration(now_ns_); }
  // Returns how many events ran so far (cancelled ones excluded).
  uint64_t events_run() const { return events_run_; }
  // Returns how many events are waiting (cancelled ones included until they surface).
  size_t pending() const { return heap_.size(); }

 private:
  class Handle;
  struct Entry {
    int64_t due_ns;
    uint64_t seq;
    uint32_t slot;
  };
  struct Slot {
    std::function<void()> fn;
    uint32_t generation = 0;
  };

  uint32_t Schedule(Duration d, std::function<void()> fn);
  void Cancel(uint32_t slot, uint32_t generation);
  void PushHeap(Entry e);
  Entry PopHeap();

  int64_t now_ns_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t events_run_ = 0;
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace repram::sim
