#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "http/route_table.h"
#include "http/types.h"

namespace repram::http {

class HttpServer;
class Session;

// The open connections of one io_context plus a sweeper that enforces their deadlines twice a
// second (cheaper than one timer per request). Used only on its context's thread.
class SessionRegistry : public std::enable_shared_from_this<SessionRegistry> {
 public:
  explicit SessionRegistry(boost::asio::io_context& ioc) : timer_(ioc) {}
  // Starts the sweeper.
  void Start();
  // Closes idle connections and asks busy ones to close after their current response.
  void BeginShutdown();
  // Add/Remove run on the context's thread, or on the thread destroying the stopped context:
  // sessions held by its pending handlers die with it, after the server, so the count lives here
  // (co-owned by the sessions), not in the server.
  void Add(Session* s) {
    sessions_.insert(s);
    ++open_;
  }
  void Remove(Session* s) {
    sessions_.erase(s);
    --open_;
  }
  // Returns the number of open sessions (any thread).
  size_t open() const { return open_.load(); }

 private:
  void Sweep();
  boost::asio::steady_timer timer_;
  std::unordered_set<Session*> sessions_;
  std::atomic<size_t> open_{0};
  bool stopping_ = false;
};

// One HTTP/1.1 connection. Owns itself through shared_from_this while an operation is pending;
// lives on one io_context thread. Steps are named DoX/OnX as in the Beast examples; exactly one
// read or write is in flight at a time and requests are answered in order.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // REQUIRES: socket belongs to registry's io_context; server outlives every handler the session
  // runs (its contexts are stopped first). The Session object itself may be destroyed after the
  // server, with the pending handlers of its stopped context: its destructor touches only the
  // registry, which it co-owns.
  Session(boost::asio::io_context& ioc, boost::asio::ip::tcp::socket socket, HttpServer& server,
          std::shared_ptr<SessionRegistry> registry, size_t shard);
  ~Session();

  // Starts reading the first request.
  void Start();
  // Acts on an expired deadline: closes, or answers 503 when a body is late.
  void CheckDeadline(std::chrono::steady_clock::time_point now);
  // Closes at once when idle; otherwise after the response in progress.
  void BeginShutdown();

 private:
  enum class Phase { kIdle, kHeader, kBody, kHandling, kWriting, kClosed };

  // Reading is a loop of our own instead of Beast's composed async_read ops: bytes already
  // buffered (the common case for small requests and pipelining) are parsed synchronously, and
  // a socket read is issued only when the parser needs more.
  void DoReadRequest();
  void ParseHeader();
  void OnHeaderError(boost::system::error_code ec);
  void ProcessHeader();
  void StartBody();
  void ParseBody();
  void OnBodyError(boost::system::error_code ec);
  template <typename Next>
  void ReadMore(Next next);
  void Dispatch();
  void Send(Response r);
  void SendEarly(Response r);  // answer before the body was read
  void OnWrite(boost::system::error_code ec);
  // Writes held_ (if any), then calls next, or closes on a write error.
  template <typename Next>
  void FlushHeld(Next next);
  void Close();
  void SetDeadline(std::chrono::steady_clock::duration d);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::socket socket_;
  HttpServer& server_;
  std::shared_ptr<SessionRegistry> registry_;
  const size_t shard_;
  std::string socket_ip_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> header_parser_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> body_parser_;

  // The request being served.
  const RouteSpec* route_ = nullptr;
  uint8_t metrics_id_ = 0;
  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
  std::string origin_;
  std::string client_ip_;
  std::chrono::steady_clock::time_point received_;
  bool keep_alive_ = true;
  bool responded_ = false;
  uint64_t requests_ = 0;  // responses sent on this connection
  size_t header_bytes_ = 0;  // header-section bytes consumed for the current request

  // The response being written.
  std::string head_;
  Response response_;
  bool close_after_write_ = false;
  // Answers to pipelined requests held back while more requests are already buffered; they
  // leave with the next write, which happens at the latest before the session waits for input.
  std::string held_;
  unsigned held_count_ = 0;
  // held_ is being written because the current handler answers later; its answer waits here.
  bool flushing_ = false;
  std::optional<Response> after_flush_;

  Phase phase_ = Phase::kIdle;
  std::chrono::steady_clock::time_point deadline_;
  bool body_timed_out_ = false;
  bool shutting_down_ = false;
};

}  // namespace repram::http
