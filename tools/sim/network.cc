#include "sim/network.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

namespace repram::sim {
namespace {

using cluster::OutboundRequest;
using cluster::TransportResult;

// z of the 99th percentile of the standard normal.
constexpr double kZ99 = 2.3263478740408408;

Duration Micros(double us) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::micro>(us));
}

TransportResult TransportError() {
  TransportResult r;
  r.transport_error = true;
  return r;
}

}  // namespace

// The Transport of one slot: hands every POST to the network.
class Network::Endpoint final : public cluster::Transport {
 public:
  Endpoint(Network* network, size_t slot) : network_(network), slot_(slot) {}
  void Post(OutboundRequest req, std::function<void(TransportResult)> done) override {
    network_->Post(slot_, std::move(req), std::move(done));
  }
  bool Congested(const std::string& host, uint16_t /*port*/) const override {
    return network_->Congested(host);
  }

 private:
  Network* network_;
  size_t slot_;
};

Network::Network(const NetworkModel& model, uint64_t seed, EventLoop& loop, Handler handler)
    : model_(model),
      seed_(seed),
      message_sigma_(std::log(model.p99_ms / model.median_ms) / kZ99),
      service_(Micros(model.service_us)),
      timeout_(Micros(model.timeout_s * 1e6)),
      loop_(loop),
      handler_(std::move(handler)),
      rng_(Mix64(seed ^ 0x6e6574776f726bULL)) {}

Network::~Network() = default;

size_t Network::AddSlot(const std::string& host) {
  const size_t index = slots_.size();
  slots_.push_back(Slot{.endpoint = std::make_unique<Endpoint>(this, index)});
  by_host_[host] = index;
  return index;
}

int64_t Network::SlotOf(const std::string& host) const {
  auto it = by_host_.find(host);
  return it == by_host_.end() ? -1 : static_cast<int64_t>(it->second);
}

bool Network::Reachable(size_t from, size_t to) const {
  const Slot& target = slots_[to];
  return target.state == State::kUp && !target.nat && target.group == slots_[from].group;
}

cluster::Transport& Network::transport(size_t from) { return *slots_[from].endpoint; }

bool Network::Congested(const std::string& host) const {
  auto it = by_host_.find(host);
  if (it == by_host_.end()) return false;
  const Slot& slot = slots_[it->second];
  return slot.state == State::kUp && Duration(slot.busy_until_ns - loop_.Elapsed().count()) >
                                         Micros(model_.congestion_ms * 1e3);
}

Duration Network::Latency(size_t a, size_t b) {
  const uint64_t lo = std::min(a, b);
  const uint64_t hi = std::max(a, b);
  // The link's median: fixed per pair, from a hash of (seed, pair) mapped to a normal deviate.
  const uint64_t h = Mix64(seed_ ^ Mix64(lo * 0x100000001b3ULL + hi));
  const double u1 = (static_cast<double>(h >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = static_cast<double>(Mix64(h) >> 11) * 0x1.0p-53;
  const double z_link = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  const double median_us = model_.median_ms * 1e3 * std::exp(model_.link_sigma * z_link);
  return Micros(median_us * std::exp(message_sigma_ * rng_.Normal()));
}

void Network::Fail(Duration d, std::function<void(TransportResult)> done) {
  loop_.Post(d, [done = std::move(done)] { done(TransportError()); });
}

void Network::Post(size_t from, OutboundRequest req, std::function<void(TransportResult)> done) {
  auto it = by_host_.find(req.host);
  if (it == by_host_.end() || slots_[it->second].state == State::kGone) {
    const size_t to = it == by_host_.end() ? from : it->second;
    return Fail(Latency(from, to) * 2, std::move(done));  // connection refused
  }
  const size_t to = it->second;
  if (slots_[to].state == State::kCrashed || slots_[from].group != slots_[to].group) {
    ++cut_;
    return Fail(timeout_, std::move(done));
  }
  if (slots_[to].nat) {
    ++nat_dropped_;
    return Fail(timeout_, std::move(done));
  }
  if (model_.loss > 0 && rng_.Next01() < model_.loss) {
    ++lost_;
    return Fail(timeout_, std::move(done));
  }
  const int64_t sent = loop_.Elapsed().count();
  const int64_t arrival = sent + Latency(from, to).count();
  Slot& target = slots_[to];
  const int64_t handled = std::max(arrival, target.busy_until_ns) + service_.count();
  target.busy_until_ns = handled;
  const uint32_t index = Acquire();
  InFlight& f = in_flight_[index];
  f.from = from;
  f.to = to;
  f.sent_ns = sent;
  f.req = std::move(req);
  f.done = std::move(done);
  loop_.Post(Duration(handled - sent), [this, index] { Arrive(index); });
}

void Network::Arrive(uint32_t index) {
  InFlight& f = in_flight_[index];
  const size_t from = f.from;
  const size_t to = f.to;
  const Duration left = timeout_ - Duration(loop_.Elapsed().count() - f.sent_ns);
  if (slots_[to].state != State::kUp || slots_[from].group != slots_[to].group) {
    ++cut_;
    std::function<void(TransportResult)> done = std::move(f.done);
    Release(index);
    return Fail(std::max(left, Duration(0)), std::move(done));
  }
  ++delivered_;
  // The handler may send (and so grow in_flight_): it gets the request out of the table.
  const OutboundRequest req = std::move(f.req);
  TransportResult result = handler_(to, req);
  const Duration back = Latency(to, from);
  InFlight& g = in_flight_[index];
  if (back > left) {
    ++timed_out_;
    std::function<void(TransportResult)> done = std::move(g.done);
    Release(index);
    return Fail(std::max(left, Duration(0)), std::move(done));
  }
  g.result = std::move(result);
  loop_.Post(back, [this, index] { Answer(index); });
}

void Network::Answer(uint32_t index) {
  InFlight& f = in_flight_[index];
  std::function<void(TransportResult)> done = std::move(f.done);
  TransportResult result = std::move(f.result);
  Release(index);
  done(std::move(result));
}

uint32_t Network::Acquire() {
  if (free_in_flight_.empty()) {
    in_flight_.emplace_back();
    return static_cast<uint32_t>(in_flight_.size() - 1);
  }
  const uint32_t index = free_in_flight_.back();
  free_in_flight_.pop_back();
  return index;
}

void Network::Release(uint32_t index) {
  InFlight& f = in_flight_[index];
  f.req = OutboundRequest{};
  f.done = nullptr;
  f.result = TransportResult{};
  free_in_flight_.push_back(index);
}

}  // namespace repram::sim
