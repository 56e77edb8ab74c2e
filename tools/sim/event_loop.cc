#include "sim/event_loop.h"

#include <algorithm>
#include <utility>

namespace repram::sim {
namespace {

// The FakeClock's wall origin (March 2026), so wall-clock stamps look like real ones.
constexpr int64_t kWallOriginNs = 1'772'366'400'000'000'000;

// A 4-ary heap: half the depth of a binary one, and a node's children share a cache line or two.
constexpr size_t kArity = 4;

bool Later(int64_t due_a, uint64_t seq_a, int64_t due_b, uint64_t seq_b) {
  return due_a != due_b ? due_a > due_b : seq_a > seq_b;
}

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
  slots_[slot].fn = std::move(fn);
  PushHeap(Entry{now_ns_ + std::max<int64_t>(d.count(), 0), next_seq_++, slot});
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
  while (!heap_.empty() && heap_.front().due_ns <= end) {
    const Entry e = PopHeap();
    now_ns_ = std::max(now_ns_, e.due_ns);
    std::function<void()> fn = std::move(slots_[e.slot].fn);
    slots_[e.slot].fn = nullptr;
    ++slots_[e.slot].generation;  // the handle of this event no longer refers to the slot
    free_slots_.push_back(e.slot);
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
  while (i > 0) {
    const size_t parent = (i - 1) / kArity;
    if (!Later(heap_[parent].due_ns, heap_[parent].seq, e.due_ns, e.seq)) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

EventLoop::Entry EventLoop::PopHeap() {
  const Entry top = heap_.front();
  const Entry last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return top;
  size_t i = 0;
  while (true) {
    const size_t first = kArity * i + 1;
    if (first >= n) break;
    size_t child = first;
    const size_t end = std::min(first + kArity, n);
    for (size_t c = first + 1; c < end; ++c) {
      if (Later(heap_[child].due_ns, heap_[child].seq, heap_[c].due_ns, heap_[c].seq)) child = c;
    }
    if (!Later(last.due_ns, last.seq, heap_[child].due_ns, heap_[child].seq)) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = last;
  return top;
}

}  // namespace repram::sim
