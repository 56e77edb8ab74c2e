#pragma once

#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.h"

namespace repram::http {

// Route templates, used for dispatch and as the `route` label of the HTTP metrics.
enum class RouteId : uint8_t {
  kData, kKeys, kHealth, kStatus, kTopology, kMetrics, kMcp, kGossip, kBootstrap, kCatchup,
  kWs, kAntiEntropyDigest, kAntiEntropyDiff, kAntiEntropyPush, kOther,
};
inline constexpr size_t kRouteCount = static_cast<size_t>(RouteId::kOther) + 1;

// Returns the metrics label of a route ("/v1/data/{key}", ..., "other").
std::string_view RouteLabel(RouteId id);

// Which per-IP token bucket a route draws from (http-api.md §9.3).
enum class Bucket : uint8_t { kClient, kPeer };

inline constexpr uint64_t kClientBodyLimit = 10 * 1024 * 1024;
inline constexpr uint64_t kPeerBodyLimit = 16 * 1024 * 1024;

// Everything the server needs to know about one path.
struct RouteSpec {
  RouteId id = RouteId::kOther;
  std::string path;        // exact raw path, or prefix when is_prefix
  bool is_prefix = false;  // "/v1/data/" matches every raw path that starts with it
  std::vector<boost::beast::http::verb> methods;  // served methods, OPTIONS included
  std::string allow;       // the Allow header on 405
  Bucket bucket = Bucket::kClient;
  uint64_t body_limit = kClientBodyLimit;
  // Optional check that runs after rate limiting and method checks but before the body is read
  // (the public-network bootstrap gate). Returning a response ends the request with it.
  std::function<std::optional<Response>(const RequestContext&)> before_body;
  Handler handler;
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
