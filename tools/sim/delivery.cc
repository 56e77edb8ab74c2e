#include "sim/delivery.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace repram::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Mean(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

std::string DeliveryTracker::KeyOf(size_t w, size_t key_bytes) {
  std::string key = fmt::format("w{:09}-", w);
  if (key.size() < key_bytes) key.append(key_bytes - key.size(), 'k');
  return key;
}

int64_t DeliveryTracker::IndexOf(std::string_view key) {
  if (key.size() < 11 || key[0] != 'w' || key[10] != '-') return -1;
  int64_t w = 0;
  for (size_t i = 1; i < 10; ++i) {
    if (key[i] < '0' || key[i] > '9') return -1;
    w = w * 10 + (key[i] - '0');
  }
  return w;
}

size_t DeliveryTracker::Add(double t_s, size_t targets) {
  writes_.push_back(Write{.t_s = t_s, .targets = targets});
  Bump(t_s, 0);
  return writes_.size() - 1;
}

void DeliveryTracker::OnHeld(size_t w, double t_s) {
  if (w >= writes_.size()) return;
  Write& write = writes_[w];
  if (++write.holders == write.targets && write.full_s < 0) write.full_s = t_s - write.t_s;
}

void DeliveryTracker::OnQuorum(size_t w, bool quorum, double t_s) {
  writes_[w].status = quorum ? 201 : 202;
  writes_[w].status_t_s = t_s;
  Bump(t_s, quorum ? 1 : 2);
}

void DeliveryTracker::OnCheckpoint(size_t w, size_t c, size_t holders, size_t enclave) {
  writes_[w].share[c] =
      enclave == 0 ? 1.0 : static_cast<double>(holders) / static_cast<double>(enclave);
}

void DeliveryTracker::Bump(double t_s, size_t what) {
  const size_t second = static_cast<size_t>(std::max(t_s, 0.0));
  if (second >= per_second_.size()) per_second_.resize(second + 1, {0, 0, 0});
  ++per_second_[second][what];
}

std::array<size_t, 3> DeliveryTracker::InSecond(size_t s) const {
  return s < per_second_.size() ? per_second_[s] : std::array<size_t, 3>{0, 0, 0};
}

void DeliveryTracker::Summarize(Summary& out, const std::string& prefix, bool quorum) const {
  out.Add(prefix + "writes", static_cast<double>(writes_.size()));
  for (size_t c = 0; c < kCheckpoints.size(); ++c) {
    std::vector<double> shares;
    size_t complete = 0;
    for (const Write& w : writes_) {
      if (w.share[c] < 0) continue;
      shares.push_back(w.share[c]);
      complete += w.share[c] >= 1.0 ? 1 : 0;
    }
    const double at = kCheckpoints[c];
    out.Add(fmt::format("{}delivery_ratio_{}s", prefix, at), Mean(shares));
    out.Add(fmt::format("{}delivery_min_{}s", prefix, at),
            shares.empty() ? kNaN : *std::min_element(shares.begin(), shares.end()));
    out.Add(
        fmt::format("{}writes_complete_{}s", prefix, at),
        shares.empty() ? kNaN : static_cast<double>(complete) / static_cast<double>(shares.size()));
  }
  std::vector<double> full;
  std::vector<double> latency_ms;
  size_t q201 = 0;
  size_t q202 = 0;
  for (const Write& w : writes_) {
    if (w.full_s >= 0) full.push_back(w.full_s);
    if (w.status == 201) {
      ++q201;
      latency_ms.push_back((w.status_t_s - w.t_s) * 1e3);
    }
    if (w.status == 202) ++q202;
  }
  out.Add(prefix + "full_delivery_p50_s", Quantile(full, 0.5));
  out.Add(prefix + "full_delivery_max_s",
          full.empty() ? kNaN : *std::max_element(full.begin(), full.end()));
  if (!quorum) return;
  out.Add(prefix + "quorum_201", static_cast<double>(q201));
  out.Add(prefix + "quorum_202", static_cast<double>(q202));
  out.Add(prefix + "quorum_latency_p50_ms", Quantile(latency_ms, 0.5));
  out.Add(prefix + "quorum_latency_p99_ms", Quantile(latency_ms, 0.99));
}

}  // namespace repram::sim
