#include "util/prometheus.h"

#include <fmt/format.h>

namespace repram {

namespace {

template <typename T>
void AppendSample(std::string& out, std::string_view name, std::string_view labels, T value) {
  if (labels.empty()) {
    fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
  } else {
    fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
  }
}

}  // namespace

void PrometheusWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void PrometheusWriter::Sample(std::string_view name, std::string_view labels, double value) {
  AppendSample(out_, name, labels, value);
}

void PrometheusWriter::Sample(std::string_view name, std::string_view labels, uint64_t value) {
  AppendSample(out_, name, labels, value);
}

void PrometheusWriter::Sample(std::string_view name, std::string_view labels, int64_t value) {
  AppendSample(out_, name, labels, value);
}

void PrometheusWriter::LabelledSample(std::string_view name, std::string_view label,
                                      std::string_view label_value, uint64_t value) {
  fmt::format_to(std::back_inserter(out_), "{}{{{}=\"{}\"}} {}\n", name, label, label_value, value);
}

void PrometheusWriter::Histogram(std::string_view name, std::string_view labels,
                                 std::span<const double> bounds, std::span<const uint64_t> counts,
                                 double sum) {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += counts[i];
    fmt::format_to(std::back_inserter(out_), "{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep,
                   bounds[i], cumulative);
  }
  cumulative += counts[bounds.size()];
  fmt::format_to(std::back_inserter(out_), "{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep,
                 cumulative);
  const std::string braces = labels.empty() ? "" : fmt::format("{{{}}}", labels);
  fmt::format_to(std::back_inserter(out_), "{}_sum{} {}\n{}_count{} {}\n", name, braces, sum, name,
                 braces, cumulative);
}

size_t LatencyBucket(double seconds) {
  for (size_t i = 0; i < std::size(kLatencyBounds); ++i) {
    if (seconds <= kLatencyBounds[i]) return i;
  }
  return std::size(kLatencyBounds);
}

}  // namespace repram
