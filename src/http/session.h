#pragma once

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/http_metrics.h"
#include "http/rate_limiter.h"
#include "http/route_table.h"
#include "http/server_options.h"
#include "http/types.h"

namespace repram::http {

// What every session of one server shares. The references outlive the sessions.
struct SessionEnv {
  const RouteTable& routes;
  const std::vector<RateLimiter*>& limiters;  // by RouteSpec::bucket; unknown paths use [0]
  HttpMetrics& metrics;
  const ServerOptions& options;
};

// A connection as its registry sees it: deadlines and shutdown.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Acts on an expired deadline: closes, or answers 503 when a body is late.
  virtual void CheckDeadline(std::chrono::steady_clock::time_point now) = 0;
  // Closes at once when idle; otherwise after the response in progress.
  virtual void BeginShutdown() = 0;
  // Closes the connection when it is waiting on its client (between requests, or for the rest of
  // a header or body) rather than on a handler or a write. Returns whether it closed.
  virtual bool CloseIfIdle() = 0;
};

// The open connections of one io_context, oldest first, plus a sweeper that enforces their
// deadlines twice a second (cheaper than one timer per request). Used only on its context's
// thread.
class SessionRegistry : public std::enable_shared_from_this<SessionRegistry> {
 public:
  using Handle = std::list<SessionBase*>::iterator;
  explicit SessionRegistry(boost::asio::io_context& ioc) : timer_(ioc) {}
  // Starts the sweeper.
  void Start();
  // Checks every session's deadline against now (the sweeper passes the coarse monotonic clock).
  void CheckDeadlines(std::chrono::steady_clock::time_point now);
  // Closes idle connections and asks busy ones to close after their current response.
  void BeginShutdown();
  // Add/Remove run on the context's thread, or on the thread destroying the stopped context:
  // sessions held by its pending handlers die with it, after the server, so the count lives here
  // (co-owned by the sessions), not in the server.
  Handle Add(SessionBase* s) {
    ++open_;
    return sessions_.insert(sessions_.end(), s);
  }
  void Remove(Handle h) {
    sessions_.erase(h);
    --open_;
  }
  // Closes the oldest connection that is waiting on its client, looking at no more than 256
  // (busy ones it passes move to the back, so the next call looks at others). Returns whether
  // one was closed; it leaves the registry when its pending operation ends.
  bool CloseOldestIdle();
  // Returns the number of open sessions (any thread).
  size_t open() const { return open_.load(); }

 private:
  void Sweep();
  boost::asio::steady_timer timer_;
  std::list<SessionBase*> sessions_;
  std::atomic<size_t> open_{0};
  bool stopping_ = false;
};

// How a session cancels its pending read (a late body), closes its stream and hands an upgraded
// one over. Specialised per stream type: tcp::socket in session.cc, the in-memory test stream in
// session_test.cc.
template <class Stream>
struct StreamControl;

// One HTTP/1.1 connection over Stream (an Asio AsyncReadStream + AsyncWriteStream: a TCP socket,
// or an in-memory stream in tests). Owns itself through shared_from_this while an operation is
// pending; lives on one io_context thread. Steps are named DoX/OnX as in the Beast examples;
// exactly one read or write is in flight at a time and requests are answered in order.
// Member definitions are in session_impl.h.
template <class Stream>
class BasicSession final : public SessionBase,
                           public std::enable_shared_from_this<BasicSession<Stream>> {
 public:
  // REQUIRES: stream belongs to ioc, the registry's context; env outlives every handler the
  // session runs (the server's contexts are stopped first). The session object itself may be
  // destroyed after the server, with the pending handlers of its stopped context: its destructor
  // touches only the registry, which it co-owns. peer_ip = the remote address of the connection.
  BasicSession(boost::asio::io_context& ioc, Stream stream, const SessionEnv& env,
               std::shared_ptr<SessionRegistry> registry, size_t shard, std::string peer_ip);
  ~BasicSession() override;

  // Starts reading the first request.
  void Start();
  void CheckDeadline(std::chrono::steady_clock::time_point now) override;
  void BeginShutdown() override;
  bool CloseIfIdle() override;

 private:
  enum class Phase { kIdle, kHeader, kBody, kHandling, kWriting, kClosed };

  // Reading is a loop of our own instead of Beast's composed async_read ops: bytes already
  // buffered (the common case for small requests and pipelining) are parsed synchronously, and
  // a stream read is issued only when the parser needs more.
  void DoReadRequest();
  void ParseHeader();
  void OnHeaderError(boost::system::error_code ec);
  void ProcessHeader();
  // Hands an upgraded connection to route_->upgrade, or answers 400 without an upgrade.
  void HandOffUpgrade();
  void StartBody();
  void ParseBody();
  void OnBodyError(boost::system::error_code ec);
  template <typename Next>
  void ReadMore(Next next);
  // Writes head_ and body after held_ with one call when the socket takes them all (then calls
  // OnWrite at once); what it does not take goes out asynchronously.
  void WriteNowOrLater(std::array<boost::asio::const_buffer, 3> buffers);
  // Frees the read buffer and write strings beyond a small size while no request is under way.
  void ReleaseIdleMemory();
  void Dispatch();
  // Answers request `id` unless the session has moved past it (a late reply is dropped).
  void Answer(uint64_t id, Response&& r);
  // Accepts the answer to the current request (once; later calls are ignored) and writes it,
  // or lets it wait in response_ while held answers are flushed.
  void Send(Response&& r);
  // Writes response_ (with held_ in front), or holds it when another request is buffered; a
  // streamed response goes to WriteStreamPart.
  void WriteResponse();
  // Writes what response_.body holds plus the next part of response_.stream (chunk-framed unless
  // the connection closes after it), then the next part, until the stream ends.
  void WriteStreamPart();
  void SendEarly(Response&& r);  // answer before the body was read
  void OnWrite(boost::system::error_code ec);
  // Writes held_ (if any), then calls next, or closes on a write error.
  template <typename Next>
  void FlushHeld(Next next);
  void Close();
  void SetDeadline(std::chrono::steady_clock::duration d);

  boost::asio::io_context& ioc_;
  Stream stream_;
  const SessionEnv& env_;
  std::shared_ptr<SessionRegistry> registry_;
  SessionRegistry::Handle registry_handle_;
  const size_t shard_;
  const std::string peer_ip_;
  boost::beast::flat_buffer buffer_;
  size_t buffer_dirty_ = 0;  // bytes read into buffer_ since it was last wiped (WipeEmptyBuffer)
  // StreamControl<Stream>::kDirectIo and the socket was made non-blocking: answers are written
  // with a direct call first (WriteNowOrLater).
  bool direct_io_ = false;
  // The request being read: its header section first (not eager), then, once routing allowed
  // it, its body with the route's limit. One parser, so the header is never moved or converted.
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;

  // The request being served: the id-th on this connection (1, 2, ...).
  uint64_t request_id_ = 0;
  const RouteSpec* route_ = nullptr;
  uint8_t metrics_id_ = 0;
  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
  std::string origin_;
  std::string client_ip_;
  std::chrono::steady_clock::time_point received_;
  bool keep_alive_ = true;
  bool http10_ = false;  // an HTTP/1.0 request: a streamed answer cannot be chunked
  bool responded_ = false;
  // The handler is running (inside Dispatch): an answer it gives now is written when it returns,
  // so that nothing after the call sees the session already moved on to the next request.
  bool dispatching_ = false;
  bool write_deferred_ = false;
  size_t header_bytes_ = 0;  // header-section bytes consumed for the current request

  // The response being written.
  std::string head_;
  Response response_;
  std::string chunk_size_;  // "<hex size>\r\n" of the chunk being written (streamed bodies)
  bool close_after_write_ = false;
  // Answers to pipelined requests held back while more requests are already buffered; they
  // leave with the next write, which happens at the latest before the session waits for input.
  std::string held_;
  unsigned held_count_ = 0;
  // held_ is being written because the current handler answers later; an answer given
  // meanwhile waits in response_ and is written when the flush completes.
  bool flushing_ = false;

  Phase phase_ = Phase::kIdle;
  std::chrono::steady_clock::time_point deadline_;
  bool body_timed_out_ = false;
  bool shutting_down_ = false;
};

// The production session: one TCP connection.
using Session = BasicSession<boost::asio::ip::tcp::socket>;
extern template class BasicSession<boost::asio::ip::tcp::socket>;

}  // namespace repram::http
