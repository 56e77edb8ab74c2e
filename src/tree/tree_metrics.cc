#include "tree/tree_metrics.h"

#include "util/prometheus.h"

namespace repram::tree {

void TreeMetrics::CountSent(FrameType type, size_t n) {
  if (type != FrameType::kOther) frames_sent[static_cast<int>(type)] += n;
}

void TreeMetrics::CountReceived(FrameType type) {
  if (type != FrameType::kOther) frames_received[static_cast<int>(type)]++;
}

std::string TreeMetrics::RenderPrometheus() const {
  std::string out;
  PrometheusWriter w(out);
  w.Single("repram_ws_children", "gauge", "Attached WebSocket children.", children.load());
  w.Single("repram_ws_attached", "gauge", "1 while a transient has a WebSocket parent.",
           attached.load());
  w.Single("repram_ws_reattaches_total", "counter",
           "Successful attaches of a transient after it lost its parent.", reattaches_total.load());
  w.Single("repram_ws_relay_pauses_total", "counter",
           "Times a child's link stopped being read until its relayed PUTs reached the mesh.",
           relay_pauses_total.load());
  const auto type_name = [](size_t i) { return FrameTypeName(static_cast<FrameType>(i)); };
  w.CounterByLabel("repram_ws_frames_sent_total", "WebSocket frames sent, by envelope type.",
                   "type", frames_sent, type_name);
  w.CounterByLabel("repram_ws_frames_received_total",
                   "Authenticated WebSocket frames received, by envelope type.", "type",
                   frames_received, type_name);
  return out;
}

}  // namespace repram::tree
