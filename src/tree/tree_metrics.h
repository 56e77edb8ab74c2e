#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "tree/frame.h"

namespace repram::tree {

inline constexpr int kFrameTypeCount = 8;  // the named FrameTypes, in enum order

// Counters and gauges of the tree. Atomics: any thread updates or reads them without a lock.
struct TreeMetrics {
  std::atomic<int64_t> children{0};  // repram_ws_children
  std::atomic<int64_t> attached{0};  // repram_ws_attached
  std::atomic<uint64_t> reattaches_total{0};
  std::atomic<uint64_t> relay_pauses_total{0};  // a child's link paused by relay pacing
  std::array<std::atomic<uint64_t>, kFrameTypeCount> frames_sent{};
  std::array<std::atomic<uint64_t>, kFrameTypeCount> frames_received{};

  // Counts n frames / one frame of type (kOther is not counted).
  void CountSent(FrameType type, size_t n = 1);
  void CountReceived(FrameType type);
  // Returns the tree series in Prometheus text format 0.0.4.
  std::string RenderPrometheus() const;
};

}  // namespace repram::tree
