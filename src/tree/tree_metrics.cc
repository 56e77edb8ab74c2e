#include "tree/tree_metrics.h"

#include <fmt/format.h>

#include <iterator>

namespace repram::tree {
namespace {

void Family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <typename T>
void Single(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            const std::atomic<T>& value) {
  Family(out, name, type, help);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, value.load());
}

void ByType(std::string& out, std::string_view name, std::string_view help,
            const std::array<std::atomic<uint64_t>, kFrameTypeCount>& values) {
  Family(out, name, "counter", help);
  for (int i = 0; i < kFrameTypeCount; ++i) {
    fmt::format_to(std::back_inserter(out), "{}{{type=\"{}\"}} {}\n", name,
                   FrameTypeName(static_cast<FrameType>(i)), values[i].load());
  }
}

}  // namespace

void TreeMetrics::CountSent(FrameType type, size_t n) {
  if (type != FrameType::kOther) frames_sent[static_cast<int>(type)] += n;
}

void TreeMetrics::CountReceived(FrameType type) {
  if (type != FrameType::kOther) frames_received[static_cast<int>(type)]++;
}

std::string TreeMetrics::RenderPrometheus() const {
  std::string out;
  Single(out, "repram_ws_children", "gauge", "Attached WebSocket children.", children);
  Single(out, "repram_ws_attached", "gauge", "1 while a transient has a WebSocket parent.",
         attached);
  Single(out, "repram_ws_reattaches_total", "counter",
         "Successful attaches of a transient after it lost its parent.", reattaches_total);
  ByType(out, "repram_ws_frames_sent_total", "WebSocket frames sent, by envelope type.",
         frames_sent);
  ByType(out, "repram_ws_frames_received_total",
         "Authenticated WebSocket frames received, by envelope type.", frames_received);
  return out;
}

}  // namespace repram::tree
