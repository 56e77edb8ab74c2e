#pragma once

#include <optional>
#include <string>

#include "cluster/message.h"

namespace repram::cluster {

// The seam to the WebSocket tree (ws-tree.md §10, src/tree): the cluster asks it first when
// routing ACKs, lets it push stored PUTs down to children and, on an attached transient, sends
// client writes to the parent first. nullptr = no tree. Thread-safe; never called under a
// cluster lock.
class WsRelay {
 public:
  virtual ~WsRelay() = default;
  // Sends ack over WS when ack.to is our parent or one of our children (§9.3 steps 1-2).
  // Returns false when neither applies; the cluster then tries HTTP.
  virtual bool SendAck(const SimpleMessage& ack) = 0;
  // Forwards an ACK that names none of our pending writes along the ACK-route table (§5.2).
  // Returns true when a route existed.
  virtual bool RouteAck(const SimpleMessage& ack) = 0;
  // Pushes a mesh PUT we stored to every same-enclave child except one whose id is put.from.
  virtual void PushToChildren(const SimpleMessage& put) = 0;
  // Returns the id of the parent while this transient is attached, else nullopt.
  virtual std::optional<std::string> AttachedParent() = 0;
  // Sends a client write's PUT to the parent over WS (§10.1 step 2). Returns false when the link
  // is gone or congested; the cluster then sends over HTTP, to the parent too.
  virtual bool SendToParent(const SimpleMessage& put) = 0;
};

}  // namespace repram::cluster
