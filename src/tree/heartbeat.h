#pragma once

namespace repram::tree {

// The heartbeat of one link end (ws-tree.md §7.3): each tick counts a miss and pings, the 4th
// tick without a pong in between terminates. Pure logic; the owner runs the 30 s timer.
class Heartbeat {
 public:
  enum class Action { kPing, kTerminate };

  // One tick of the interval timer.
  Action Tick() { return ++missed_ > kMaxMissed ? Action::kTerminate : Action::kPing; }
  // Any pong from the other end.
  void OnPong() { missed_ = 0; }

 private:
  static constexpr int kMaxMissed = 3;
  int missed_ = 0;
};

}  // namespace repram::tree
