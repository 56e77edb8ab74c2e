#pragma once

#include <functional>
#include <vector>

#include "cluster/cluster_node.h"
#include "cluster/message.h"
#include "cluster/node_info.h"

namespace repram::tree {

// What the tree needs of the node's cluster. Thread-safe; the tree never calls it under its own
// lock (the cluster calls back into the tree through WsRelay).
class TreeClusterPort {
 public:
  virtual ~TreeClusterPort() = default;
  // Returns the known gossip peers (all enclaves).
  virtual std::vector<cluster::NodeInfo> Peers() = 0;
  // Handles a gossip message received over a link as if it came over HTTP (PUT, ACK, PONG).
  virtual void HandleMessage(const cluster::SimpleMessage& msg) = 0;
  // Applies a topology_sync (membership only).
  virtual void ApplyTopologySync(const cluster::SimpleMessage& msg) = 0;
  // Relays a child's PUT (ClusterNode::RelayChildPut); sent runs once its mesh sends finished.
  virtual cluster::ClusterNode::RelayResult RelayChildPut(const cluster::SimpleMessage& put,
                                                          std::function<void()> sent) = 0;
  // Pulls what this transient missed from its new parent (ClusterNode::CatchUpFromParent).
  virtual void CatchUpFromParent(const cluster::NodeInfo& parent) = 0;
};

// The production port: forwards to a ClusterNode bound after construction (the cluster is built
// with the tree as its WsRelay, so the tree exists first). REQUIRES: Bind before any link opens.
class ClusterNodePort final : public TreeClusterPort {
 public:
  // Sets the node every call forwards to.
  void Bind(cluster::ClusterNode* node) { node_ = node; }
  std::vector<cluster::NodeInfo> Peers() override { return node_->Peers(); }
  void HandleMessage(const cluster::SimpleMessage& msg) override {
    node_->HandleMessage(msg, /*fanout_full=*/false);
  }
  void ApplyTopologySync(const cluster::SimpleMessage& msg) override {
    node_->ApplyTopologySync(msg);
  }
  cluster::ClusterNode::RelayResult RelayChildPut(const cluster::SimpleMessage& put,
                                                  std::function<void()> sent) override {
    return node_->RelayChildPut(put, sent);
  }
  void CatchUpFromParent(const cluster::NodeInfo& parent) override {
    node_->CatchUpFromParent(parent);
  }

 private:
  cluster::ClusterNode* node_ = nullptr;
};

}  // namespace repram::tree
