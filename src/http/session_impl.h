#pragma once

// Member definitions of BasicSession. Included by session.cc (which instantiates the TCP
// session once) and by tests that instantiate it over an in-memory stream.

#include <spdlog/spdlog.h>
#include <time.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <limits>
#include <utility>

#include "http/buffer_wipe.h"
#include "http/middleware.h"
#include "http/session.h"
#include "util/secure_wipe.h"

namespace repram::http {
namespace session_detail {

using SteadyClock = std::chrono::steady_clock;

inline constexpr size_t kMaxTarget = 16 * 1024;
// Header section cap (http-api.md §3 step 2).
inline constexpr size_t kHeaderLimit = 64 * 1024;
inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
inline constexpr size_t kReadChunk = 16 * 1024;
// A connection waiting for the first byte of a request reads into this much and keeps no more
// buffer than that: idle connections are the ones a flood multiplies.
inline constexpr size_t kIdleReadChunk = 2 * 1024;
// Pipelined answers held back per write, and the largest body that is copied to be held.
inline constexpr unsigned kMaxHeld = 32;
inline constexpr size_t kMaxHeldBody = 4 * 1024;

inline bool IsQuietDisconnect(const boost::system::error_code& ec) {
  namespace asio = boost::asio;
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor;
}

inline bool HasBody(const bhttp::request_parser<bhttp::string_body>& p) {
  return p.chunked() || (p.content_length() && *p.content_length() > 0);
}

// Deadlines are checked every 500 ms, so the coarse monotonic clock (a few ms resolution, no
// syscall-grade cost) is precise enough. Same epoch as steady_clock on Linux.
inline SteadyClock::time_point CoarseNow() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return SteadyClock::time_point(std::chrono::seconds(ts.tv_sec) +
                                 std::chrono::nanoseconds(ts.tv_nsec));
}

}  // namespace session_detail

template <class Stream>
BasicSession<Stream>::BasicSession(boost::asio::io_context& ioc, Stream stream,
                                   const SessionEnv& env, std::shared_ptr<SessionRegistry> registry,
                                   size_t shard, std::string peer_ip)
    : ioc_(ioc),
      stream_(std::move(stream)),
      env_(env),
      registry_(std::move(registry)),
      registry_handle_(registry_->Add(this)),
      shard_(shard),
      peer_ip_(std::move(peer_ip)) {
  if constexpr (StreamControl<Stream>::kDirectIo) {
    direct_io_ = StreamControl<Stream>::EnableDirectIo(stream_);
  }
}

template <class Stream>
BasicSession<Stream>::~BasicSession() {
  registry_->Remove(registry_handle_);
}

template <class Stream>
void BasicSession<Stream>::Start() {
  DoReadRequest();
}

template <class Stream>
void BasicSession<Stream>::SetDeadline(std::chrono::steady_clock::duration d) {
  deadline_ = session_detail::CoarseNow() + d;
}

template <class Stream>
void BasicSession<Stream>::CheckDeadline(std::chrono::steady_clock::time_point now) {
  if (phase_ == Phase::kClosed || phase_ == Phase::kHandling || now < deadline_) return;
  if (phase_ == Phase::kBody) {
    body_timed_out_ = true;
    StreamControl<Stream>::CancelRead(stream_);  // the read fails and OnBodyError answers 503
    return;
  }
  Close();  // idle, late header or stalled write: close silently
}

template <class Stream>
void BasicSession<Stream>::BeginShutdown() {
  shutting_down_ = true;
  if (phase_ == Phase::kIdle) Close();
}

template <class Stream>
bool BasicSession<Stream>::CloseIfIdle() {
  if (phase_ != Phase::kIdle && phase_ != Phase::kHeader && phase_ != Phase::kBody) return false;
  Close();
  return true;
}

template <class Stream>
void BasicSession<Stream>::DoReadRequest() {
  if (shutting_down_) return FlushHeld([](BasicSession* self) { self->Close(); });
  ++request_id_;
  route_ = nullptr;
  metrics_id_ = env_.metrics.unmatched_route();
  responded_ = false;
  parser_.emplace();
  parser_->header_limit(session_detail::kHeaderLimit);
  header_bytes_ = 0;
  // Limits are applied per route, after routing. (Not boost::none: Beast 1.74 compares
  // `len > optional` and treats an empty optional as a limit of zero.)
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  // Waiting for the first byte of the next request is idle time, not a late header.
  // A fresh connection must deliver its first header section within the header timeout too.
  phase_ = buffer_.size() > 0 || request_id_ == 1 ? Phase::kHeader : Phase::kIdle;
  SetDeadline(phase_ == Phase::kIdle ? env_.options.idle_timeout : env_.options.header_timeout);
  ParseHeader();
}

template <class Stream>
template <typename Next>
void BasicSession<Stream>::FlushHeld(Next next) {
  if (held_.empty()) return next(this);
  boost::asio::async_write(
      stream_, boost::asio::buffer(held_),
      [self = this->shared_from_this(), next](boost::system::error_code ec, size_t) {
        if (ec) return self->Close();
        SecureClear(self->held_);
        self->held_count_ = 0;
        next(self.get());
      });
}

template <class Stream>
template <typename Next>
void BasicSession<Stream>::ReadMore(Next next) {
  // Held answers go out before waiting for input: the client may be waiting for them.
  if (!held_.empty()) {
    return FlushHeld([next](BasicSession* self) {
      if (self->phase_ != Phase::kClosed) self->ReadMore(next);
    });
  }
  const bool awaiting_request =
      buffer_.size() == 0 && parser_ && !parser_->is_header_done() && header_bytes_ == 0;
  if (awaiting_request) ReleaseIdleMemory();
  stream_.async_read_some(
      buffer_.prepare(awaiting_request ? session_detail::kIdleReadChunk
                                       : session_detail::kReadChunk),
      [self = this->shared_from_this(), next](boost::system::error_code ec, size_t n) {
        if (self->phase_ == Phase::kClosed) return;
        if (!ec) {
          self->buffer_.commit(n);
          self->buffer_dirty_ += n;
        }
        next(self.get(), ec);
      });
}

template <class Stream>
void BasicSession<Stream>::ReleaseIdleMemory() {
  // The requests just served (their values included) leave no copy in the reused read buffer.
  WipeEmptyBuffer(buffer_, buffer_dirty_);
  if (buffer_.capacity() > session_detail::kIdleReadChunk) buffer_.shrink_to_fit();
  if (held_.capacity() > session_detail::kIdleReadChunk) std::string().swap(held_);
  if (head_.capacity() > session_detail::kIdleReadChunk) std::string().swap(head_);
}

template <class Stream>
void BasicSession<Stream>::ParseHeader() {
  boost::system::error_code ec;
  while (buffer_.size() > 0 && !parser_->is_header_done()) {
    size_t n = 0;
    try {
      n = parser_->put(buffer_.data(), ec);
    } catch (const std::length_error&) {  // Beast caps one field value at 64 KiB by throwing
      ec = bhttp::error::header_limit;
    }
    buffer_.consume(n);
    header_bytes_ += n;
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec) return OnHeaderError(ec);
  }
  // Beast's own header_limit accounting lets somewhat more through when a header section
  // arrives in pieces, so the exact cap is enforced here.
  const size_t pending = parser_->is_header_done() ? 0 : buffer_.size();
  if (header_bytes_ + pending > session_detail::kHeaderLimit) {
    return OnHeaderError(bhttp::error::header_limit);
  }
  if (parser_->is_header_done()) {
    received_ = std::chrono::steady_clock::now();
    return ProcessHeader();
  }
  ReadMore([](BasicSession* self, boost::system::error_code read_ec) {
    if (read_ec) return self->Close();  // disconnect, or a deadline closed the stream
    if (self->phase_ == Phase::kIdle) {
      self->phase_ = Phase::kHeader;
      self->SetDeadline(self->env_.options.header_timeout);
    }
    self->ParseHeader();
  });
}

template <class Stream>
void BasicSession<Stream>::OnHeaderError(boost::system::error_code ec) {
  spdlog::debug("unreadable request header from {}: {}", peer_ip_, ec.message());
  received_ = std::chrono::steady_clock::now();
  keep_alive_ = false;
  if (ec == bhttp::error::header_limit) {
    return Send(TextResponse(431, "Request header fields too large\n"));
  }
  Send(TextResponse(400, "Bad Request\n"));
}

template <class Stream>
void BasicSession<Stream>::ProcessHeader() {
  const Request& req = parser_->get();
  method_ = req.method();
  keep_alive_ = req.keep_alive();
  http10_ = req.version() < 11;
  if (auto it = req.find(bhttp::field::origin); it != req.end()) {
    origin_.assign(it->value().data(), it->value().size());
  } else {
    origin_.clear();
  }
  const std::string_view target(req.target().data(), req.target().size());
  if (target.size() > session_detail::kMaxTarget) {
    keep_alive_ = false;
    return SendEarly(TextResponse(414, "URI too long\n"));
  }
  // Transfer-Encoding is the rare one, so asking for it first skips the second look-up (a
  // field count is two tree searches, a find one).
  if (req.find(bhttp::field::transfer_encoding) != req.end() &&
      req.find(bhttp::field::content_length) != req.end()) {
    keep_alive_ = false;
    return SendEarly(TextResponse(400, "Bad Request\n"));
  }
  const size_t qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);

  route_ = env_.routes.Find(path);
  metrics_id_ = route_ ? route_->metrics_id : env_.metrics.unmatched_route();

  // Step 5: preflight on a known path is answered before rate limiting (unless the route opts out).
  if (method_ == bhttp::verb::options && route_ && route_->answers_preflight) {
    return SendEarly(Response{});
  }
  // Step 6: rate limit by the route's bucket; unknown paths use bucket 0.
  client_ip_ = ClientIp(req.base(), peer_ip_, env_.options.trust_proxy);
  if (!env_.limiters[route_ ? route_->bucket : 0]->Allow(client_ip_)) {
    Response r = TextResponse(429, "Rate limit exceeded\n");
    r.headers.emplace_back("Retry-After", "1");
    return SendEarly(std::move(r));
  }
  // Step 7: unknown path, wrong method.
  if (!route_) return SendEarly(TextResponse(404, "404 page not found\n"));
  if (!Serves(*route_, method_)) {
    Response r = TextResponse(405, "Method not allowed\n");
    r.headers.emplace_back("Allow", route_->allow);
    return SendEarly(std::move(r));
  }
  // Step 8: declared body over the route's limit; nothing is read.
  if (parser_->content_length() && *parser_->content_length() > route_->body_limit) {
    ++env_.metrics.oversized;
    keep_alive_ = false;
    return SendEarly(TextResponse(413, "Request too large\n"));
  }
  // Step 9: scanner User-Agent.
  if (auto it = req.find(bhttp::field::user_agent);
      it != req.end() && IsScannerUserAgent({it->value().data(), it->value().size()})) {
    ++env_.metrics.suspicious;
    return SendEarly(TextResponse(403, "Forbidden\n"));
  }
  if (route_->before_body) {
    const RequestContext ctx{
        req, path,  // the body is not read yet: empty
        qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1), client_ip_,
        received_};
    if (auto early = route_->before_body(ctx)) return SendEarly(std::move(*early));
  }
  if (route_->upgrade) return HandOffUpgrade();
  StartBody();
}

template <class Stream>
void BasicSession<Stream>::HandOffUpgrade() {
  if (!boost::beast::websocket::is_upgrade(parser_->get())) {
    keep_alive_ = false;
    return SendEarly(TextResponse(400, "Bad Request\n"));
  }
  // Answers still held for earlier pipelined requests leave before the connection changes hands.
  phase_ = Phase::kWriting;
  SetDeadline(env_.options.body_timeout);
  FlushHeld([](BasicSession* self) {
    if (self->phase_ == Phase::kClosed) return;
    // The connection leaves the HTTP server: no deadline, no registry shutdown, no metrics.
    self->phase_ = Phase::kClosed;
    StreamControl<Stream>::HandOff(
        *self->route_, std::move(self->stream_),
        bhttp::request<bhttp::empty_body>(std::move(self->parser_->release().base())));
  });
}

template <class Stream>
void BasicSession<Stream>::StartBody() {
  const bool expect_continue = [&] {
    const Request& req = parser_->get();
    auto it = req.find(bhttp::field::expect);
    return it != req.end() && boost::beast::iequals(it->value(), "100-continue");
  }();
  parser_->body_limit(route_->body_limit);
  parser_->eager(true);
  if (parser_->is_done()) return Dispatch();
  phase_ = Phase::kBody;
  SetDeadline(env_.options.body_timeout);
  if (!expect_continue || buffer_.size() > 0) return ParseBody();
  // After any answers still held for earlier pipelined requests, in order.
  held_.append(session_detail::kContinue);
  FlushHeld([](BasicSession* self) { self->ParseBody(); });
}

template <class Stream>
void BasicSession<Stream>::ParseBody() {
  boost::system::error_code ec;
  while (buffer_.size() > 0 && !parser_->is_done()) {
    const size_t n = parser_->put(buffer_.data(), ec);
    buffer_.consume(n);
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec) return OnBodyError(ec);
    if (n == 0) break;
  }
  if (parser_->is_done()) return Dispatch();
  ReadMore([](BasicSession* self, boost::system::error_code read_ec) {
    if (read_ec) return self->OnBodyError(read_ec);
    self->ParseBody();
  });
}

template <class Stream>
void BasicSession<Stream>::OnBodyError(boost::system::error_code ec) {
  keep_alive_ = false;
  if (body_timed_out_) return Send(TextResponse(503, "Request timeout\n"));
  if (ec == bhttp::error::body_limit) {
    ++env_.metrics.oversized;
    return Send(TextResponse(413, "Request too large\n"));
  }
  if (session_detail::IsQuietDisconnect(ec) || ec == bhttp::error::partial_message) return Close();
  Send(TextResponse(400, "Failed to read request body\n"));
}

template <class Stream>
void BasicSession<Stream>::Dispatch() {
  phase_ = Phase::kHandling;
  const Request& req = parser_->get();
  const std::string_view target(req.target().data(), req.target().size());
  const size_t qmark = target.find('?');
  const RequestContext ctx{
      req, target.substr(0, qmark),
      qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1), client_ip_,
      received_};
  Respond respond = [self = this->shared_from_this(), id = request_id_](Response&& r) {
    if (self->ioc_.get_executor().running_in_this_thread()) return self->Answer(id, std::move(r));
    boost::asio::post(self->ioc_,
                      [self, id, r = std::move(r)]() mutable { self->Answer(id, std::move(r)); });
  };
  dispatching_ = true;
  try {
    route_->handler(ctx, std::move(respond));
  } catch (const std::exception& e) {
    spdlog::error("handler for {} failed: {}", route_->path, e.what());
    Send(TextResponse(500, "Internal Server Error\n"));
  }
  dispatching_ = false;
  if (write_deferred_) {
    write_deferred_ = false;
    return WriteResponse();
  }
  // The handler answers later (a quorum wait): held answers must not wait for it.
  if (!responded_ && !held_.empty() && phase_ != Phase::kClosed) {
    flushing_ = true;
    FlushHeld([](BasicSession* self) {
      self->flushing_ = false;
      if (self->responded_) self->WriteResponse();
    });
  }
}

template <class Stream>
void BasicSession<Stream>::Answer(uint64_t id, Response&& r) {
  if (id == request_id_) Send(std::move(r));
}

template <class Stream>
void BasicSession<Stream>::SendEarly(Response&& r) {
  // The body was not read: keep the connection only when there is none to skip.
  if (session_detail::HasBody(*parser_)) keep_alive_ = false;
  Send(std::move(r));
}

template <class Stream>
void BasicSession<Stream>::Send(Response&& r) {
  if (responded_ || phase_ == Phase::kClosed) return;
  responded_ = true;
  phase_ = Phase::kWriting;
  SetDeadline(env_.options.body_timeout);
  close_after_write_ = r.close || !keep_alive_ || shutting_down_ || (r.stream && http10_);
  response_ = std::move(r);
  head_.clear();
  SerializeHead(response_, env_.options.fixed_headers, origin_, close_after_write_, head_);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - received_).count();
  env_.metrics.RecordRequest(shard_, metrics_id_, method_, response_.status, seconds);
  // While the held answers of earlier requests are being written, this one follows them.
  if (!flushing_) WriteResponse();
}

template <class Stream>
void BasicSession<Stream>::WriteResponse() {
  if (dispatching_) {
    write_deferred_ = true;
    return;
  }
  if (response_.stream) return WriteStreamPart();
  const std::string_view body = response_.omit_body ? std::string_view() : response_.body;
  // Another request is already buffered (pipelining): hold this answer and serve that one, so
  // a batch of requests costs one write instead of one per answer.
  if (buffer_.size() > 0 && !close_after_write_ && held_count_ < session_detail::kMaxHeld &&
      body.size() <= session_detail::kMaxHeldBody) {
    held_.append(head_).append(body);
    ++held_count_;
    boost::asio::post(ioc_, [self = this->shared_from_this()] { self->OnWrite({}); });
    return;
  }
  WriteNowOrLater({boost::asio::buffer(held_), boost::asio::buffer(head_),
                   boost::asio::buffer(body.data(), body.size())});
}

template <class Stream>
void BasicSession<Stream>::WriteNowOrLater(std::array<boost::asio::const_buffer, 3> buffers) {
  // Asio's async_write tries the send at once too, but then queues its completion through the
  // scheduler (an operation, a lock and a handler call per answer). Nearly every answer fits the
  // socket buffer, so the direct call usually finishes the write here.
  size_t written = 0;
  if constexpr (StreamControl<Stream>::kDirectIo) {
    if (direct_io_) {
      boost::system::error_code ec;
      written = stream_.write_some(buffers, ec);
      if (ec == boost::asio::error::would_block) {  // EAGAIN: the socket's buffer is full
        ec = {};
        written = 0;
      }
      if (ec || written == boost::asio::buffer_size(buffers)) {
        SecureClear(held_);
        held_count_ = 0;
        return OnWrite(ec);
      }
    }
  }
  boost::beast::buffers_suffix<std::array<boost::asio::const_buffer, 3>> rest(buffers);
  rest.consume(written);
  boost::asio::async_write(stream_, rest,
                           [self = this->shared_from_this()](boost::system::error_code ec, size_t) {
                             SecureClear(self->held_);
                             self->held_count_ = 0;
                             self->OnWrite(ec);
                           });
}

template <class Stream>
void BasicSession<Stream>::WriteStreamPart() {
  const bool more = response_.stream->Next(response_.body);
  const bool chunked = !close_after_write_;
  std::string_view tail;
  chunk_size_.clear();
  if (chunked && !response_.body.empty()) {
    chunk_size_ = fmt::format("{:x}\r\n", response_.body.size());
    tail = more ? "\r\n" : "\r\n0\r\n\r\n";
  } else if (chunked && !more) {
    tail = "0\r\n\r\n";
  }
  if (!more) response_.stream.reset();  // everything it holds is freed before the last write
  std::array<boost::asio::const_buffer, 5> buffers{
      boost::asio::buffer(held_), boost::asio::buffer(head_), boost::asio::buffer(chunk_size_),
      boost::asio::buffer(response_.body), boost::asio::buffer(tail.data(), tail.size())};
  boost::asio::async_write(
      stream_, buffers,
      [self = this->shared_from_this(), more](boost::system::error_code ec, size_t) {
        SecureClear(self->held_);
        self->held_count_ = 0;
        self->head_.clear();
        self->response_.body.clear();  // keeps its capacity for the next part
        if (ec || !more) return self->OnWrite(ec);
        self->SetDeadline(self->env_.options.body_timeout);  // a stalled reader is closed
        self->WriteStreamPart();
      });
}

template <class Stream>
void BasicSession<Stream>::OnWrite(boost::system::error_code ec) {
  if (ec || close_after_write_) return Close();
  // Move-assigning an empty string keeps the old storage (and a GET's value in it): wipe first.
  SecureClear(response_.body);
  response_ = Response{};
  DoReadRequest();
}

template <class Stream>
void BasicSession<Stream>::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  StreamControl<Stream>::Close(stream_);
}

}  // namespace repram::http
