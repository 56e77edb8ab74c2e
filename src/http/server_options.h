#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace repram::http {

// Server settings (http-api.md §3, §9, §10).
struct ServerOptions {
  std::string bind = "0.0.0.0";  // REPRAM_BIND
  uint16_t port = 8080;          // REPRAM_HTTP_PORT; 0 = ephemeral
  bool trust_proxy = false;      // REPRAM_TRUST_PROXY
  std::chrono::seconds header_timeout{30};
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds idle_timeout{120};
  // REPRAM_MAX_CONNECTIONS: open connections at most; a connection accepted at the cap closes the
  // oldest idle one (waiting on its client), or is itself closed when none is idle. 0 = no cap.
  size_t max_connections = 0;
  // Complete "Name: value\r\n" lines every response carries (CORS, security, node version).
  std::string fixed_headers;
};

}  // namespace repram::http
