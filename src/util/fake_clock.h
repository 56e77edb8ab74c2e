#pragma once

#include <atomic>

#include "util/clock.h"

namespace repram {

// A Clock that moves only when told to. Monotonic and wall time advance together.
// Thread-safe (atomics), so it can drive code that reads time from several threads.
class FakeClock final : public Clock {
 public:
  FakeClock() : mono_ns_(1'000'000'000'000), wall_ns_(1'772'366'400'000'000'000) {}  // 2026-03-01

  MonoTime Now() const override { return MonoTime(Duration(mono_ns_.load())); }
  WallTime WallNow() const override {
    return WallTime(std::chrono::duration_cast<WallTime::duration>(Duration(wall_ns_.load())));
  }
  // Moves both clocks forward by d.
  void Advance(Duration d) {
    mono_ns_ += d.count();
    wall_ns_ += d.count();
  }

 private:
  std::atomic<int64_t> mono_ns_;
  std::atomic<int64_t> wall_ns_;
};

}  // namespace repram
