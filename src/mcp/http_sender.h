#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace repram::mcp {

// One outbound HTTP/1.1 request of the remote mode; the shape of http::ClientRequest without
// Boost, so that this module does not link repram_http.
struct RemoteRequest {
  std::string host;  // name or IP literal (IPv6 without brackets)
  uint16_t port = 80;
  std::string method;  // "GET", "HEAD", "PUT"
  std::string target;  // origin-form, already percent-encoded: "/v1/data/a%20b"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10'000};  // connect to last response byte
};

// The outcome of one RemoteRequest (http::ClientResult without Boost).
struct RemoteResponse {
  std::string error;  // non-empty: transport failure or timeout (reason text); status is then 0
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Sends a request and calls the callback exactly once with the outcome, on any thread. The
// integrator adapts http::HttpClient::Send to it (method via beast::http::string_to_verb,
// error = ec.message(); HEAD responses carry no body). Must be thread-safe.
using HttpSender = std::function<void(RemoteRequest, std::function<void(RemoteResponse)>)>;

}  // namespace repram::mcp
