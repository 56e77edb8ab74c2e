#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "cluster/node_info.h"
#include "tree/reattach_plan.h"
#include "util/clock.h"

namespace repram::tree {

// Settings of either role (ws-tree.md §11).
struct TreeOptions {
  cluster::NodeInfo self;  // id, advertised address and ports, enclave
  std::string secret;      // REPRAM_CLUSTER_SECRET; empty = open mode
  int max_children = 100;  // REPRAM_MAX_CHILDREN: 0 rejects every hello, < 0 unlimited
  Duration write_timeout = std::chrono::seconds(5);  // ACK-route lifetime
  size_t max_ack_routes = 100'000;
  Duration heartbeat_interval = std::chrono::seconds(30);
  Duration hello_deadline = std::chrono::seconds(30);
  Duration redirect_close_delay = std::chrono::milliseconds(500);
  Duration initial_attach_delay = std::chrono::milliseconds(500);
  ReattachTimings reattach;
  // Relay pacing (ws-tree.md §10.2, ours): a child's link stops being read while its relayed
  // PUTs still being sent to the mesh reach this many messages or bytes (key, value and
  // envelope; the sends to every peer share one body), or while a mesh target reports congestion,
  // so a slow mesh peer slows the child down instead of overflowing its outbound queue and losing
  // copies. Reading resumes at half of each limit (after congestion: once the link has nothing left
  // in flight).
  size_t relay_window_messages = 256;
  size_t relay_window_bytes = 4 * 1024 * 1024;
  // The same bound over all children together, in bytes.
  size_t relay_total_bytes = 64 * 1024 * 1024;
};

}  // namespace repram::tree
