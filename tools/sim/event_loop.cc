#include "sim/event_loop.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace repram::sim {
namespace {

// The FakeClock's wall origin (March 2026), so wall-clock stamps look like real ones.
constexpr int64_t kWallOriginNs = 1'772'366'400'000'000'000;

}  // namespace

class EventLoop::Handle final : public Scheduler::Task {
 public:
  Handle(EventLoop* loop, uint32_t slot, uint32_t generation)
      : loop_(loop), slot_(slot), generation_(generation) {}
  ~Handle() override { Cancel(); }
  void Cancel() override { loop_->Cancel(slot_, generation_); }

 private:
  EventLoop* loop_;
  uint32_t slot_;
  uint32_t generation_;
};

WallTime EventLoop::WallNow() const {
  return WallTime(
      std::chrono::duration_cast<WallTime::duration>(Duration(kWallOriginNs + now_ns_)));
}

std::unique_ptr<Scheduler::Task> EventLoop::After(Duration d, std::function<void()> fn) {
  const uint32_t slot = Schedule(d, std::move(fn));
  return std::make_unique<Handle>(this, slot, slots_[slot].generation);
}

void EventLoop::Post(Duration d, std::function<void()> fn) { Schedule(d, std::move(fn)); }

uint32_t EventLoop::Schedule(Duration d, std::function<void()> fn) {
  uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  if (slot > kSlotMask) {
    std::fprintf(stderr, "repram-sim: more than %llu events pending\n",
                 static_cast<unsigned long long>(kSlotMask));
    std::abort();
  }
  slots_[slot].fn = std::move(fn);
  PushHeap(Entry{now_ns_ + std::max<int64_t>(d.count(), 0), (next_seq_++ << kSlotBits) | slot});
  return slot;
}

void EventLoop::Cancel(uint32_t slot, uint32_t generation) {
  if (slot >= slots_.size() || slots_[slot].generation != generation) return;  // ran already
  // Moved out before it is destroyed: its captures may cancel or schedule other events.
  std::function<void()> dropped = std::move(slots_[slot].fn);
  slots_[slot].fn = nullptr;
}

void EventLoop::RunUntil(Duration elapsed) {
  const int64_t end = elapsed.count();
  while (heap_.size() > kRoot && heap_[kRoot].due_ns <= end) {
    const Entry e = PopHeap();
    const uint32_t slot = e.slot();
    now_ns_ = std::max(now_ns_, e.due_ns);
    std::function<void()> fn = std::move(slots_[slot].fn);
    slots_[slot].fn = nullptr;
    ++slots_[slot].generation;  // the handle of this event no longer refers to the slot
    free_slots_.push_back(slot);
    if (fn) {
      ++events_run_;
      fn();
    }
  }
  now_ns_ = std::max(now_ns_, end);
}

void EventLoop::PushHeap(Entry e) {
  heap_.push_back(e);
  size_t i = heap_.size() - 1;
  while (i > kRoot) {
    const size_t parent = Parent(i);
    const Entry& p = heap_[parent];
    if (Earlier(p, e)) break;
    heap_[i] = p;
    i = parent;
  }
  heap_[i] = e;
}

EventLoop::Entry EventLoop::PopHeap() {
  const Entry top = heap_[kRoot];
  const Entry last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == kRoot) return top;
  size_t i = kRoot;
  while (true) {
    const size_t first = FirstChild(i);
    if (first >= n) break;
    size_t child = first;
    const size_t end = std::min(first + kArity, n);
    for (size_t c = first + 1; c < end; ++c) {
      if (Earlier(heap_[c], heap_[child])) child = c;
    }
    const Entry& least = heap_[child];
    if (Earlier(last, least)) break;
    heap_[i] = least;
    i = child;
  }
  heap_[i] = last;
  return top;
}

}  // namespace repram::sim
