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

namespace repram::http {

// One outbound HTTP/1.1 request.
struct ClientRequest {
  std::string host;  // name or IP literal (IPv6 without brackets)
  uint16_t port = 0;
  boost::beast::http::verb method = boost::beast::http::verb::post;
  std::string target;                                        // "/v1/gossip/message"
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
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

// Asynchronous HTTP client with a keep-alive connection pool per host:port (at most 8
// connections, idle ones closed after 90 s, queue of 1024 waiting requests per peer; overflow
// fails at once). Once every connection is busy, further requests are pipelined (up to 16 per
// connection, answers in order; a waiting backlog leaves in one write). A connection that fails
// fails the requests it carried, except that a pooled connection the peer had closed while idle
// gets its requests retried once on a fresh one. Requests to different peers run in parallel.
// Never blocks the caller.
// With several io_contexts (one thread each), each peer's pool lives on one of them, assigned
// in turn as peers first appear, so no single I/O thread carries the traffic of every peer.
// Thread-safe. Callbacks run on the thread of the context that owns the peer's pool.
class HttpClient {
 public:
  explicit HttpClient(boost::asio::io_context& ioc, const std::string& user_agent);
  // REQUIRES: contexts non-empty; each is run by exactly one thread and outlives the client.
  HttpClient(const std::vector<boost::asio::io_context*>& contexts, const std::string& user_agent);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends req and calls done exactly once with the result (possibly before Send returns when
  // called on the thread that owns the peer's pool and the request fails at once).
  void Send(ClientRequest req, std::function<void(ClientResult)> done);

  // Drops pooled connections to host:port (after a peer was evicted).
  void DropPool(const std::string& host, uint16_t port);

  // Returns true while more than half of host:port's queue cap is waiting and the peer answered
  // a request within the last second (a stalled peer is not "congested": nothing drains).
  bool Congested(const std::string& host, uint16_t port) const;

  // Closes every connection; pending requests complete with operation_aborted.
  void Shutdown();

 private:
  class Impl;
  // Per-peer load, written by the owning shard, read by Congested from any thread.
  struct PeerStats {
    std::atomic<size_t> queued{0};
    std::atomic<int64_t> last_answer_ns{0};  // steady clock; 0 = never
  };
  struct Peer {
    size_t shard = 0;
    std::shared_ptr<PeerStats> stats;
  };
  std::vector<std::shared_ptr<Impl>> shards_;  // one per io_context
  mutable Mutex mu_;
  std::unordered_map<std::string, Peer> peers_ GUARDED_BY(mu_);  // "host:port" -> peer
};

}  // namespace repram::http
