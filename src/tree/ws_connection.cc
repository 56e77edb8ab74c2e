#include "tree/ws_connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>

#include "util/host_port.h"
#include "util/secure_wipe.h"

namespace repram::tree {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

WsConnection::WsConnection(Socket socket, WsLinkEvents& events, const WsConnectionLimits& limits)
    : ws_(std::move(socket)), events_(events), limits_(limits), write_timer_(ws_.get_executor()) {}

void WsConnection::Configure() {
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = limits_.closing_timeout;
  timeouts.idle_timeout = websocket::stream_base::none();  // the tree's heartbeat does this
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.read_message_max(limits_.max_message);
  ws_.auto_fragment(false);
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::pong) events_.OnPong(shared_from_this());
  });
}

void WsConnection::Accept(Socket socket, UpgradeRequest req, WsLinkEvents& events,
                          const WsConnectionLimits& limits) {
  auto self = std::make_shared<WsConnection>(std::move(socket), events, limits);
  self->Configure();
  auto request = std::make_shared<UpgradeRequest>(std::move(req));
  self->ws_.async_accept(*request, [self, request](boost::system::error_code ec) {
    if (ec) {
      spdlog::debug("WS upgrade failed: {}", ec.message());
      return;
    }
    self->open_ = true;
    self->events_.OnOpen(self);
    self->StartReading();
  });
}

void WsConnection::Dial(asio::io_context& ioc, const std::string& host, uint16_t port,
                        Duration timeout, WsLinkEvents& events, const WsConnectionLimits& limits,
                        std::function<void(std::shared_ptr<WsLink>)> done) {
  // Everything below runs on ioc's single thread, so the shared state needs no lock.
  struct DialState {
    explicit DialState(asio::io_context& ioc) : resolver(ioc), timer(ioc) {}
    asio::ip::tcp::resolver resolver;
    asio::steady_timer timer;
    std::shared_ptr<WsConnection> conn;
    std::function<void(std::shared_ptr<WsLink>)> done;
    bool finished = false;
    void Finish(bool ok) {
      if (finished) return;
      finished = true;
      timer.cancel();
      resolver.cancel();
      if (!ok) {
        boost::system::error_code ignored;
        beast::get_lowest_layer(conn->ws_).close(ignored);
      }
      auto callback = std::move(done);
      callback(ok ? conn : nullptr);
      if (ok) conn->StartReading();
    }
  };
  asio::dispatch(
      ioc, [&ioc, host, port, timeout, &events, limits, done = std::move(done)]() mutable {
        auto state = std::make_shared<DialState>(ioc);
        state->conn = std::make_shared<WsConnection>(Socket(ioc), events, limits);
        state->conn->Configure();
        state->done = std::move(done);
        state->timer.expires_after(timeout);
        state->timer.async_wait([state](boost::system::error_code ec) {
          if (!ec) state->Finish(false);
        });
        state->resolver.async_resolve(
            host, std::to_string(port),
            [state, host, port](boost::system::error_code ec,
                                const asio::ip::tcp::resolver::results_type& results) {
              if (ec || state->finished) return state->Finish(false);
              asio::async_connect(beast::get_lowest_layer(state->conn->ws_), results,
                                  [state, host, port](boost::system::error_code connect_ec,
                                                      const asio::ip::tcp::endpoint&) {
                                    if (connect_ec || state->finished) return state->Finish(false);
                                    boost::system::error_code ignored;
                                    beast::get_lowest_layer(state->conn->ws_)
                                        .set_option(asio::ip::tcp::no_delay(true), ignored);
                                    state->conn->ws_.async_handshake(
                                        FormatHostPort(host, port), "/v1/ws",
                                        [state](boost::system::error_code handshake_ec) {
                                          if (handshake_ec || state->finished)
                                            return state->Finish(false);
                                          state->conn->open_ = true;
                                          state->Finish(true);
                                        });
                                  });
            });
      });
}

void WsConnection::StartReading() {
  if (read_loop_ != ReadLoop::kNotStarted && read_loop_ != ReadLoop::kBetweenFrames) return;
  read_loop_ = ReadLoop::kReading;
  ws_.async_read(read_buffer_, [self = shared_from_this()](boost::system::error_code ec, size_t) {
    self->OnRead(ec);
  });
}

void WsConnection::OnRead(boost::system::error_code ec) {
  read_loop_ = ec ? ReadLoop::kEnded : ReadLoop::kDelivering;
  if (ec) {
    if (ec == websocket::error::message_too_big) {
      spdlog::info("WS message over {} bytes; connection closed 1009", limits_.max_message);
    }
    open_ = false;
    write_timer_.cancel();
    events_.OnClosed(shared_from_this());
    return;
  }
  const auto data = read_buffer_.data();
  if (ws_.got_text()) {
    events_.OnText(shared_from_this(),
                   std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  SecureWipe(data.data(), data.size());  // a relayed PUT carries a value
  read_buffer_.consume(read_buffer_.size());
  read_loop_ = ReadLoop::kBetweenFrames;
  if (!read_paused_) StartReading();
}

void WsConnection::PauseReading() {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this()] { self->read_paused_ = true; });
}

void WsConnection::ResumeReading() {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this()] { self->Unpause(); });
}

void WsConnection::Unpause() {
  read_paused_ = false;
  if (read_loop_ == ReadLoop::kBetweenFrames) StartReading();
}

void WsConnection::Account(const std::string& frame, int direction) {
  if (direction > 0) {
    queued_bytes_ += frame.size();
  } else {
    queued_bytes_ -= frame.size();
  }
  congested_ =
      queue_.size() > limits_.max_queue_frames / 2 || queued_bytes_ > limits_.max_queue_bytes / 2;
}

void WsConnection::SendText(std::string frame) {
  asio::dispatch(
      ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
        if (!self->open_ || self->close_requested_) return;
        if (self->queue_.size() >= self->limits_.max_queue_frames ||
            self->queued_bytes_ + frame.size() > self->limits_.max_queue_bytes) {
          spdlog::warn("WS outbound queue full ({} frames, {} bytes); terminating the connection",
                       self->queue_.size(), self->queued_bytes_);
          return self->Abort();
        }
        self->queue_.push_back(std::move(frame));
        self->Account(self->queue_.back(), +1);
        if (!self->writing_) self->DoWrite();
      });
}

void WsConnection::DoWrite() {
  if (queue_.empty()) {
    writing_ = false;
    if (close_requested_) DoClose();
    return;
  }
  writing_ = true;
  ws_.text(true);
  write_timer_.expires_after(limits_.write_deadline);
  write_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the write finished
    spdlog::warn("WS write deadline missed; terminating the connection");
    self->Abort();
  });
  ws_.async_write(asio::buffer(queue_.front()),
                  [self = shared_from_this()](boost::system::error_code ec, size_t) {
                    self->write_timer_.cancel();
                    if (ec) {
                      self->writing_ = false;
                      return self->Abort();
                    }
                    std::string sent = std::move(self->queue_.front());
                    self->queue_.pop_front();
                    self->Account(sent, -1);
                    self->DoWrite();
                  });
}

void WsConnection::SendPing() {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    if (!self->open_ || self->ping_in_flight_ || self->close_requested_) return;
    self->ping_in_flight_ = true;
    self->ws_.async_ping({}, [self](boost::system::error_code) { self->ping_in_flight_ = false; });
  });
}

void WsConnection::Close(uint16_t code, std::string reason) {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this(), code,
                                      reason = std::move(reason)]() mutable {
    if (!self->open_ || self->close_requested_) return;
    self->close_requested_ = true;
    self->close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!self->writing_) self->DoClose();
  });
}

void WsConnection::DoClose() {
  if (close_sent_) return;
  close_sent_ = true;
  open_ = false;
  ws_.async_close(close_reason_, [self = shared_from_this()](boost::system::error_code) {
    // The read loop ends with the peer's close (or the closing timeout) and reports OnClosed.
  });
  Unpause();  // a paused loop must run to its end (and report OnClosed)
}

void WsConnection::Terminate() {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this()] { self->Abort(); });
}

void WsConnection::Abort() {
  open_ = false;
  write_timer_.cancel();
  boost::system::error_code ignored;
  beast::get_lowest_layer(ws_).shutdown(Socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).close(ignored);
  Unpause();  // a paused loop must run to its end (and report OnClosed)
}

}  // namespace repram::tree
