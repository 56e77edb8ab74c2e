#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.h"

namespace repram::http {

// Everything the server needs to know about one path. The integrator gives every value; the
// server attaches no meaning to the ids beyond using them as indexes.
struct RouteSpec {
  std::string path;        // exact raw path, or prefix when is_prefix
  bool is_prefix = false;  // "/v1/data/" matches every raw path that starts with it
  std::vector<boost::beast::http::verb> methods;  // served methods, OPTIONS included
  std::string allow;                              // the Allow header on 405
  uint8_t metrics_id = 0;                         // index of this route's label in HttpMetrics
  uint8_t bucket = 0;             // index of the rate limiter it draws from (HttpServer's limiters)
  uint64_t body_limit = 0;        // largest body read, declared or streamed; 413 above it
  bool answers_preflight = true;  // OPTIONS is answered before rate limiting (CORS preflight)
  // Optional check that runs after rate limiting and method checks but before the body is read
  // (the public-network bootstrap gate). Returning a response ends the request with it.
  std::function<std::optional<Response>(const RequestContext&)> before_body;
  Handler handler;
  // A WebSocket route (ws-tree.md §2) sets this instead of handler: after the checks above, a
  // request carrying a valid RFC 6455 upgrade hands its socket and parsed header over (the
  // connection leaves the HTTP server); one without an upgrade answers 400.
  std::function<void(boost::asio::ip::tcp::socket,
                     boost::beast::http::request<boost::beast::http::empty_body>)>
      upgrade;
};

// Maps raw request paths to routes: exact, case-sensitive, no cleaning (http-api.md §2).
// Built once before the server starts; read-only afterwards, so safe from every thread.
class RouteTable {
 public:
  // Adds a route. REQUIRES: called before the server starts.
  void Add(RouteSpec spec);
  // Returns the route for a raw path, or nullptr for an unknown path.
  const RouteSpec* Find(std::string_view raw_path) const;

 private:
  std::vector<RouteSpec> routes_;
};

// Returns true when spec serves method.
bool Serves(const RouteSpec& spec, boost::beast::http::verb method);

}  // namespace repram::http
