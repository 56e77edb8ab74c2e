#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/transport.h"
#include "sim/event_loop.h"
#include "sim/scenario.h"
#include "sim/sim_rng.h"

namespace repram::sim {

// The simulated network between node slots (a slot is an address; a restarted node keeps it).
// A request travels one log-normal latency to its target, waits in the target's inbound queue
// (one request served at a time, service_us each), is handled, and its answer travels back. A
// request that is lost, crosses a partition or reaches a crashed node fails at the sender after
// timeout_s, like an HTTP timeout; a request to a node that left fails after one round trip,
// like a refused connection; an answer later than timeout_s fails too (the target still handled
// the request). A request to a slot behind NAT black-holes like one to a crashed node. Bandwidth is
// not modelled. Deterministic: one seeded Rng, one event loop. Single-threaded.
class Network {
 public:
  enum class State { kUp, kCrashed, kGone };
  // Handles a request that reached slot `to` and returns the answer.
  using Handler =
      std::function<cluster::TransportResult(size_t to, const cluster::OutboundRequest&)>;

  Network(const NetworkModel& model, uint64_t seed, EventLoop& loop, Handler handler);
  ~Network();

  // Adds a slot listening on host:8080 (state kUp, group 0) and returns its index.
  size_t AddSlot(const std::string& host);
  // Returns the transport slot `from` sends with; valid as long as the Network.
  cluster::Transport& transport(size_t from);
  // Sets whether slot answers (kUp), black-holes requests (kCrashed) or refuses them (kGone).
  void SetState(size_t slot, State state) { slots_[slot].state = state; }
  // Moves a slot to a partition group: requests flow only between slots of the same group.
  void SetGroup(size_t slot, int group) { slots_[slot].group = group; }
  // Puts a slot behind NAT: requests to it black-hole (its own requests still go out).
  void SetNat(size_t slot, bool nat) { slots_[slot].nat = nat; }

  // Returns the slot listening on host, or -1.
  int64_t SlotOf(const std::string& host) const;
  // Returns the state of a slot.
  State state(size_t slot) const { return slots_[slot].state; }
  // Returns the partition group of a slot.
  int group(size_t slot) const { return slots_[slot].group; }
  // Returns whether a connection from `from` reaches `to` now (up, same group, not behind NAT).
  bool Reachable(size_t from, size_t to) const;
  // Draws the one-way latency of one message on the link between a and b.
  Duration Latency(size_t a, size_t b);

  // Counters since the start.
  uint64_t lost() const { return lost_; }                // dropped by the loss model
  uint64_t cut() const { return cut_; }                  // across a partition
  uint64_t timed_out() const { return timed_out_; }      // answered after timeout_s
  uint64_t delivered() const { return delivered_; }      // handled by their target
  uint64_t nat_dropped() const { return nat_dropped_; }  // sent to a slot behind NAT

 private:
  class Endpoint;
  // A request between its send and its answer: events refer to it by index, so a delivery event
  // is small enough for std::function's inline storage (no allocation per hop).
  struct InFlight {
    size_t from = 0;
    size_t to = 0;
    int64_t sent_ns = 0;
    cluster::OutboundRequest req;
    std::function<void(cluster::TransportResult)> done;
    cluster::TransportResult result;
  };
  struct Slot {
    std::unique_ptr<Endpoint> endpoint;
    State state = State::kUp;
    int group = 0;
    bool nat = false;
    int64_t busy_until_ns = 0;  // when the inbound queue is drained
  };

  void Post(size_t from, cluster::OutboundRequest req,
            std::function<void(cluster::TransportResult)> done);
  bool Congested(const std::string& host) const;
  // Fails `done` with a transport error after d.
  void Fail(Duration d, std::function<void(cluster::TransportResult)> done);
  // Events of an in-flight request: it reaches its target / its answer reaches the sender.
  void Arrive(uint32_t index);
  void Answer(uint32_t index);
  // Takes a free in-flight entry (or a new one) and returns its index; Release frees it.
  uint32_t Acquire();
  void Release(uint32_t index);

  const NetworkModel model_;
  const uint64_t seed_;
  const double message_sigma_;
  const Duration service_;
  const Duration timeout_;
  EventLoop& loop_;
  const Handler handler_;
  SimRng rng_;
  std::vector<Slot> slots_;
  std::unordered_map<std::string, size_t> by_host_;
  std::vector<InFlight> in_flight_;
  std::vector<uint32_t> free_in_flight_;
  uint64_t lost_ = 0;
  uint64_t cut_ = 0;
  uint64_t timed_out_ = 0;
  uint64_t delivered_ = 0;
  uint64_t nat_dropped_ = 0;
};

}  // namespace repram::sim
