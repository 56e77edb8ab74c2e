#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/http_metrics.h"
#include "http/io_pool.h"
#include "http/rate_limiter.h"
#include "http/route_table.h"
#include "http/server_options.h"
#include "http/session.h"
#include "util/status.h"

namespace repram::http {

// The node's single HTTP/1.1 listener. Runs the request pipeline of http-api.md §3 (limits,
// CORS and security headers, OPTIONS, rate limits, 404/405, 413, scanner block, optional
// before-body gate) and hands complete requests to route handlers. Connections are spread over
// the IoPool's contexts; each lives on one thread.
// Thread-safety: Listen/Start/Shutdown from the owning (main) thread.
class HttpServer {
 public:
  // limiters[i] is the rate limiter of RouteSpec::bucket i; requests that match no route draw
  // from limiters[0]. REQUIRES: limiters non-empty and every route's bucket indexes it; every
  // reference and pointer outlives the server.
  HttpServer(IoPool& pool, const RouteTable& routes, std::vector<RateLimiter*> limiters,
             HttpMetrics& metrics, ServerOptions options);
  ~HttpServer();

  // Binds and listens. Returns the bound port (the real one when options.port is 0).
  Result<uint16_t> Listen();
  // Starts accepting connections on the pool. REQUIRES: Listen() succeeded.
  void Start();
  // Stops accepting, closes idle connections, lets in-flight requests finish (each connection
  // closes after its current response) and waits up to `drain` for them. Returns the number of
  // connections still open when it gave up (0 = clean drain).
  size_t Shutdown(std::chrono::milliseconds drain);

  // Returns the number of open connections.
  size_t open_connections() const;

 private:
  void DoAccept();
  // Starts a session for a socket accepted onto context `index` (runs there), making room first
  // when the connection cap is reached.
  void StartSession(size_t index, boost::asio::ip::tcp::socket socket);
  // Counts a connection closed at the cap and logs the counts at most every 10 s.
  void NoteCapReached(bool closed_idle);

  IoPool& pool_;
  const std::vector<RateLimiter*> limiters_;
  const ServerOptions options_;
  const SessionEnv env_;  // refers to the members above
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_backoff_;
  std::vector<std::shared_ptr<SessionRegistry>> registries_;  // one per context
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> cap_closed_idle_{0};  // idle connections closed at the cap
  std::atomic<uint64_t> cap_refused_{0};      // new connections closed at the cap (none idle)
  std::atomic<int64_t> cap_logged_at_ns_{0};  // steady clock of the last cap log line
};

}  // namespace repram::http
