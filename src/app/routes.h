#pragma once

#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/rate_limiter.h"
#include "http/route_table.h"

namespace repram {

// REPRAM's route semantics for the generic HTTP server: which routes exist (their ids and metrics
// labels), which rate-limit bucket and body limit each has, and the headers every answer carries.
// To add a route: add its id before kOther and its label in routes.cc, then build its spec with
// MakeRoute and add it to the node's RouteTable.

// Route ids, used as the metrics id of each route.
enum class RouteId : uint8_t {
  kData,
  kKeys,
  kHealth,
  kStatus,
  kTopology,
  kMetrics,
  kMcp,
  kGossip,
  kGossipBatch,
  kBootstrap,
  kCatchup,
  kWs,
  kAntiEntropyDigest,
  kAntiEntropyDiff,
  kAntiEntropyPush,
  kDashboardPage,
  kDashboardAsset,
  kOther,  // requests that match no route; must stay last
};

// Returns the `route` label of every RouteId in id order, for http::HttpMetrics.
std::vector<std::string> RouteLabels();

// Who a route serves (http-api.md §9.3): its per-IP rate-limit bucket and body limit.
enum class Audience : uint8_t { kClient, kPeer };

inline constexpr uint64_t kClientBodyLimit = 10 * 1024 * 1024;
inline constexpr uint64_t kPeerBodyLimit = 16 * 1024 * 1024;

// Returns the server's limiters indexed by Audience (unknown paths use the client bucket).
std::vector<http::RateLimiter*> RateBuckets(http::RateLimiter& client, http::RateLimiter& peer);

// Returns a route serving `methods` (OPTIONS included when served) on the exact path, with the
// Allow header, bucket and body limit that follow from them; the caller sets the handler.
http::RouteSpec MakeRoute(RouteId id, std::string path, Audience audience,
                          std::vector<boost::beast::http::verb> methods);

// Header lines every response carries: CORS (http-api.md §9.1), security headers (§9.2) and the
// node version header.
extern const std::string_view kFixedResponseHeaders;

}  // namespace repram
