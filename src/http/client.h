#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "util/mutex.h"
#include "util/shared_bytes.h"

namespace repram::http {

// One outbound HTTP/1.1 request.
struct ClientRequest {
  std::string host;  // name or IP literal (IPv6 without brackets)
  uint16_t port = 0;
  boost::beast::http::verb method = boost::beast::http::verb::post;
  std::string target;                                        // "/v1/gossip/message"
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  SharedBytes body;  // shared, never copied: one broadcast body serves every peer's request
  std::chrono::milliseconds timeout{5000};  // connect to last response byte
  bool want_headers = true;  // false: ClientResult.headers stays empty (saves the copies)
};

// The outcome of one request. ec set = transport error or timeout (status then 0).
struct ClientResult {
  boost::system::error_code ec;
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool ok_2xx() const { return !ec && status >= 200 && status < 300; }
};

// Default cap on the bytes of the requests held for one peer, waiting or in flight.
inline constexpr size_t kDefaultMaxPeerBytes = size_t{64} << 20;

// Asynchronous HTTP client with a keep-alive connection pool per host:port (at most 8
// connections, idle ones closed after 90 s). Per peer, at most 1024 requests wait and at most
// max_peer_bytes of requests (body, target and headers) are held, waiting or in flight; a
// request beyond either cap fails at once with no_buffer_space (logged once per episode). Bodies
// are shared, not copied: the write buffers point at them. Once every connection is busy, further
// requests are pipelined (up to 16 per connection, answers in order; a waiting backlog leaves in
// one write). A connection that fails fails the requests it carried, except that a pooled
// connection the peer had closed while idle gets its requests retried once on a fresh one. Requests
// to different peers run in parallel. Never blocks the caller. With several io_contexts (one thread
// each), each peer's pool lives on one of them, assigned in turn as peers first appear, so no
// single I/O thread carries the traffic of every peer. Thread-safe. Callbacks run on the thread of
// the context that owns the peer's pool, never while the client walks its own connection or queue
// lists (a callback may call Send again).
class HttpClient {
 public:
  explicit HttpClient(boost::asio::io_context& ioc, const std::string& user_agent);
  // REQUIRES: contexts non-empty; each is run by exactly one thread and outlives the client.
  HttpClient(const std::vector<boost::asio::io_context*>& contexts, const std::string& user_agent,
             size_t max_peer_bytes = kDefaultMaxPeerBytes);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends req and calls done exactly once with the result (possibly before Send returns when
  // called on the thread that owns the peer's pool and the request fails at once).
  void Send(ClientRequest req, std::function<void(ClientResult)> done);

  // Releases everything held for host:port (after a peer was evicted): its connections close and
  // its waiting and in-flight requests complete with operation_aborted.
  void DropPool(const std::string& host, uint16_t port);

  // Returns true while more than half of host:port's queue cap (in requests or in bytes) is held
  // and the peer answered a request within the last second (a stalled peer is not "congested":
  // nothing drains).
  bool Congested(const std::string& host, uint16_t port) const;

  // Closes every connection and completes every pending request with operation_aborted before
  // it returns (on the I/O threads while they run; on the caller for a context already stopped).
  // Later requests fail the same way (their callback runs on the caller of Send). Idempotent.
  // REQUIRES: not called from a callback of this client (except on a single-context client).
  void Shutdown();

 private:
  class Impl;
  // Per-peer load, written by the owning shard, read by Congested from any thread.
  struct PeerStats {
    std::atomic<size_t> queued{0};
    std::atomic<size_t> bytes{0};            // waiting or in flight
    std::atomic<int64_t> last_answer_ns{0};  // steady clock; 0 = never
  };
  struct Peer {
    size_t shard = 0;
    std::shared_ptr<PeerStats> stats;
  };
  std::vector<std::shared_ptr<Impl>> shards_;  // one per io_context
  const size_t max_peer_bytes_;
  mutable Mutex mu_;
  std::unordered_map<std::string, Peer> peers_ GUARDED_BY(mu_);  // "host:port" -> peer
  size_t next_shard_ GUARDED_BY(mu_) = 0;
};

}  // namespace repram::http
