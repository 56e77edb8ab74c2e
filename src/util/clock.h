#pragma once

#include <chrono>

namespace repram {

using MonoTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Duration = std::chrono::nanoseconds;

// Source of monotonic and wall-clock time. Injected everywhere time matters so that expiry,
// ping rounds and backoff are tested by advancing a FakeClock instead of sleeping.
// Thread-safe: implementations may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // Returns monotonic time, used for every expiry and timer decision.
  virtual MonoTime Now() const = 0;
  // Returns wall-clock time, used only for timestamps shown to clients and peers.
  virtual WallTime WallNow() const = 0;
};

// The real clocks of the process.
class SystemClock final : public Clock {
 public:
  MonoTime Now() const override { return std::chrono::steady_clock::now(); }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }
  // Returns the process-wide instance.
  static const SystemClock& Instance() {
    static const SystemClock clock;
    return clock;
  }
};

}  // namespace repram
