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
};

}  // namespace repram::tree
