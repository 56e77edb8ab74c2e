#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/shared_bytes.h"

namespace repram::cluster {

inline constexpr std::string_view kGossipPath = "/v1/gossip/message";
inline constexpr std::string_view kBootstrapPath = "/v1/bootstrap";
inline constexpr std::string_view kSignatureHeader = "X-Repram-Signature";
inline constexpr std::string_view kFanoutHeader = "X-Repram-Fanout";
inline constexpr std::string_view kFanoutFull = "full";
inline constexpr std::string_view kJsonContentType = "application/json";

// One POST to a peer or seed: http://{host}:{port}{path}.
struct OutboundRequest {
  std::string host;       // name or IP literal; IPv6 without brackets
  uint16_t port = 0;      // the peer's HTTP port
  std::string_view path;  // one of the cluster's k*Path constants (static storage)
  std::string_view content_type = kJsonContentType;  // a constant too
  std::string signature{};   // X-Repram-Signature value; empty in open mode (no header)
  bool fanout_full = false;  // sends X-Repram-Fanout: full
  SharedBytes body;          // one broadcast body is shared by the requests to every peer
};

// Returns req's HTTP headers: Content-Type, then the signature and the fanout mark when set.
// Takes req by value so that the adapter can hand over the signature without a copy.
inline std::vector<std::pair<std::string, std::string>> HeadersOf(OutboundRequest req) {
  std::vector<std::pair<std::string, std::string>> headers{
      {"Content-Type", std::string(req.content_type)}};
  if (!req.signature.empty()) headers.emplace_back(kSignatureHeader, std::move(req.signature));
  if (req.fanout_full) headers.emplace_back(kFanoutHeader, kFanoutFull);
  return headers;
}

// The outcome of one POST. transport_error = connect error, timeout or aborted (status then 0).
struct TransportResult {
  int status = 0;
  bool transport_error = false;
  std::string body;
  // Returns true for a 2xx answer (the only successful send outcome, cluster.md §1).
  bool ok() const { return !transport_error && status >= 200 && status < 300; }
};

// Sends node-to-node HTTP requests. Production: an adapter over http::HttpClient (per-peer pools,
// 5 s timeout, User-Agent). Tests: FakeTransport.
// Thread-safe. Post never blocks and never calls back into the cluster before returning, except
// that `done` may run synchronously (fakes); the cluster never calls the transport (Post or
// Congested) while holding its lock.
class Transport {
 public:
  virtual ~Transport() = default;
  // Sends req and calls done exactly once with the outcome (possibly on another thread).
  virtual void Post(OutboundRequest req, std::function<void(TransportResult)> done) = 0;
  // Returns true while requests to host:port queue up beyond half the per-peer cap and the peer
  // still answers (a stalled peer is not congested: nothing would drain). Cheap; any thread.
  virtual bool Congested(const std::string& /*host*/, uint16_t /*port*/) const { return false; }
};

}  // namespace repram::cluster
