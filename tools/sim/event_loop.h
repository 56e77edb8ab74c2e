#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
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
  size_t pending() const { return heap_.size() - kRoot; }

 private:
  class Handle;
  // 16 bytes, so a node's four children share one cache line: the sequence number (40 bits,
  // 10^12 events) above the slot (24 bits, 16.7 M pending events) orders like (due, seq).
  struct Entry {
    int64_t due_ns;
    uint64_t seq_slot;
    uint32_t slot() const { return static_cast<uint32_t>(seq_slot & kSlotMask); }
  };
  static constexpr uint64_t kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
  static constexpr size_t kArity = 4;
  // The root's index: the children of i are FirstChild(i) .. + kArity - 1, and in a 64-byte
  // aligned buffer every family of four fills one cache line.
  static constexpr size_t kRoot = kArity - 1;
  // Allocates 64-byte aligned arrays (the heap's).
  template <typename T>
  struct LineAligned {
    using value_type = T;
    LineAligned() = default;
    template <typename U>
    explicit LineAligned(const LineAligned<U>& /*other*/) {}
    T* allocate(size_t n) {
      return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64}));
    }
    void deallocate(T* p, size_t /*n*/) { ::operator delete(p, std::align_val_t{64}); }
    bool operator==(const LineAligned& /*other*/) const { return true; }
  };
  struct Slot {
    std::function<void()> fn;
    uint32_t generation = 0;
  };

  static size_t FirstChild(size_t i) { return kArity * (i - kRoot) + kRoot + 1; }
  static size_t Parent(size_t i) { return (i - kRoot - 1) / kArity + kRoot; }
  // (due, seq) order: seq_slot compares by seq, which is unique.
  static bool Earlier(const Entry& a, const Entry& b) {
    return a.due_ns != b.due_ns ? a.due_ns < b.due_ns : a.seq_slot < b.seq_slot;
  }

  uint32_t Schedule(Duration d, std::function<void()> fn);
  void Cancel(uint32_t slot, uint32_t generation);
  void PushHeap(Entry e);
  Entry PopHeap();

  int64_t now_ns_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t events_run_ = 0;
  // heap_[kRoot] is the earliest; the entries before it are padding.
  std::vector<Entry, LineAligned<Entry>> heap_ = std::vector<Entry, LineAligned<Entry>>(kRoot);
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace repram::sim
