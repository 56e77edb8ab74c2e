#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tree/ws_link.h"
#include "util/clock.h"

namespace repram::tree {

// Opens client WebSocket connections to ws://host:port/v1/ws (no subprotocol, no compression).
// Production: tree/ws_connection.h over Beast; tests: a fake.
class WsDialer {
 public:
  virtual ~WsDialer() = default;
  // Dials within timeout (resolve + TCP + upgrade); done(link) once the handshake completed (the
  // link then reports to events, starting after done returns), done(nullptr) on any failure.
  // done runs exactly once, on an I/O thread (or synchronously in fakes).
  virtual void Dial(const std::string& host, uint16_t port, Duration timeout, WsLinkEvents& events,
                    std::function<void(std::shared_ptr<WsLink>)> done) = 0;
};

}  // namespace repram::tree
