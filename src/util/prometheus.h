#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

namespace repram {

// Appends Prometheus text format 0.0.4 to a string; the one place every module's metrics are
// formatted. Hand-written: no Debian 12 package offers a Prometheus client for C++ that fits
// (prometheus-cpp is not packaged).
class PrometheusWriter {
 public:
  explicit PrometheusWriter(std::string& out) : out_(out) {}
  // Writes the # HELP and # TYPE lines of a family.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  // Writes one sample; labels is a preformatted `a="x",b="y"` list or empty.
  void Sample(std::string_view name, std::string_view labels, double value);
  void Sample(std::string_view name, std::string_view labels, uint64_t value);
  void Sample(std::string_view name, std::string_view labels, int64_t value);
  // Writes a family of one unlabelled sample.
  template <typename T>
  void Single(std::string_view name, std::string_view type, std::string_view help, T value) {
    Family(name, type, help);
    Sample(name, {}, value);
  }
  // Writes a counter family with one sample per array slot, labelled `label="name_of(i)"`.
  template <size_t N, typename NameOf>
  void CounterByLabel(std::string_view name, std::string_view help, std::string_view label,
                      const std::array<std::atomic<uint64_t>, N>& values, NameOf name_of) {
    Family(name, "counter", help);
    for (size_t i = 0; i < N; ++i) LabelledSample(name, label, name_of(i), values[i].load());
  }
  // Writes one sample labelled `label="label_value"`.
  void LabelledSample(std::string_view name, std::string_view label, std::string_view label_value,
                      uint64_t value);
  // Writes the _bucket, _sum and _count series of one histogram; counts are per bucket (not
  // cumulative), bounds in seconds, the last count is the +Inf overflow.
  void Histogram(std::string_view name, std::string_view labels, std::span<const double> bounds,
                 std::span<const uint64_t> counts, double sum);
  // Appends already formatted exposition text (families rendered by another module).
  void Raw(std::string_view text) { out_.append(text); }

 private:
  std::string& out_;
};

// Latency buckets used by every histogram of the node: 0.0001 s ... 10 s.
inline constexpr double kLatencyBounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                            0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                            1,      2.5,     5,      10};
inline constexpr size_t kLatencyBuckets = std::size(kLatencyBounds) + 1;  // + overflow

// Returns the index in kLatencyBounds (or the overflow index) for a duration in seconds.
size_t LatencyBucket(double seconds);

}  // namespace repram
