#include "http/route_table.h"

#include <algorithm>

namespace repram::http {

std::string_view RouteLabel(RouteId id) {
  switch (id) {
    case RouteId::kData: return "/v1/data/{key}";
    case RouteId::kKeys: return "/v1/keys";
    case RouteId::kHealth: return "/v1/health";
    case RouteId::kStatus: return "/v1/status";
    case RouteId::kTopology: return "/v1/topology";
    case RouteId::kMetrics: return "/v1/metrics";
    case RouteId::kMcp: return "/mcp";
    case RouteId::kGossip: return "/v1/gossip/message";
    case RouteId::kBootstrap: return "/v1/bootstrap";
    case RouteId::kCatchup: return "/v1/catchup";
    case RouteId::kWs: return "/v1/ws";
    case RouteId::kAntiEntropyDigest: return "/v1/antientropy/digest";
    case RouteId::kAntiEntropyDiff: return "/v1/antientropy/diff";
    case RouteId::kAntiEntropyPush: return "/v1/antientropy/push";
    case RouteId::kOther: return "other";
  }
  return "other";
}

void RouteTable::Add(RouteSpec spec) { routes_.push_back(std::move(spec)); }

const RouteSpec* RouteTable::Find(std::string_view raw_path) const {
  for (const RouteSpec& r : routes_) {
    if (r.is_prefix ? raw_path.starts_with(r.path) : raw_path == r.path) return &r;
  }
  return nullptr;
}

bool Serves(const RouteSpec& spec, boost::beast::http::verb method) {
  return std::find(spec.methods.begin(), spec.methods.end(), method) != spec.methods.end();
}

}  // namespace repram::http
