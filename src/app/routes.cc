#include "app/routes.h"

#include <array>

namespace repram {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(RouteId::kOther) + 1> kLabels = {
    "/v1/data/{key}",
    "/v1/keys",
    "/v1/health",
    "/v1/status",
    "/v1/topology",
    "/v1/metrics",
    "/mcp",
    "/v1/gossip/message",
    "/v1/gossip/batch",
    "/v1/bootstrap",
    "/v1/catchup",
    "/v1/ws",
    "/v1/antientropy/digest",
    "/v1/antientropy/diff",
    "/v1/antientropy/push",
    "/",
    "/ui/{asset}",
    "other"};

}  // namespace

const std::string_view kFixedResponseHeaders =
    "Vary: Origin\r\n"
    "Access-Control-Allow-Methods: GET, PUT, POST, HEAD, OPTIONS\r\n"
    "Access-Control-Allow-Headers: Content-Type, X-TTL, X-Repram-Signature\r\n"
    "Access-Control-Expose-Headers: X-Created-At, X-Original-TTL, X-Remaining-TTL\r\n"
    "Access-Control-Max-Age: 3600\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "X-XSS-Protection: 1; mode=block\r\n"
    "Referrer-Policy: strict-origin-when-cross-origin\r\n"
    "Content-Security-Policy: default-src 'self'\r\n"
    "X-REPRAM-Node: 1.0.0\r\n";

std::vector<std::string> RouteLabels() { return {kLabels.begin(), kLabels.end()}; }

std::vector<http::RateLimiter*> RateBuckets(http::RateLimiter& client, http::RateLimiter& peer) {
  std::vector<http::RateLimiter*> buckets(2);
  buckets[static_cast<size_t>(Audience::kClient)] = &client;
  buckets[static_cast<size_t>(Audience::kPeer)] = &peer;
  return buckets;
}

http::RouteSpec MakeRoute(RouteId id, std::string path, Audience audience,
                          std::vector<boost::beast::http::verb> methods) {
  http::RouteSpec spec;
  spec.path = std::move(path);
  for (const auto method : methods) {
    if (!spec.allow.empty()) spec.allow += ", ";
    spec.allow += http::ToStd(boost::beast::http::to_string(method));
  }
  spec.methods = std::move(methods);
  spec.metrics_id = static_cast<uint8_t>(id);
  spec.bucket = static_cast<uint8_t>(audience);
  spec.body_limit = audience == Audience::kPeer ? kPeerBodyLimit : kClientBodyLimit;
  return spec;
}

}  // namespace repram
