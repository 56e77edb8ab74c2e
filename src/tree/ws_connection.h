#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "tree/ws_dialer.h"
#include "tree/ws_link.h"
#include "util/clock.h"

namespace repram::tree {

// Limits of one WebSocket connection (ws-tree.md §2, §3, §11).
struct WsConnectionLimits {
  size_t max_message = 16 * 1024 * 1024;      // larger incoming messages close 1009
  size_t max_queue_frames = 1024;             // outbound queue; beyond it → terminate
  size_t max_queue_bytes = 64 * 1024 * 1024;  // the same in bytes (10 MiB values fit several)
  Duration write_deadline = std::chrono::seconds(10);  // per frame; missed → terminate
  Duration closing_timeout = std::chrono::seconds(5);  // upgrade and closing handshakes
};

// One WebSocket connection over Beast (no subprotocol, no permessage-deflate), either end. It
// lives on its socket's io_context thread: public calls post there, so they are safe from any
// thread. Text frames, pongs and the end of the connection go to WsLinkEvents; binary frames are
// dropped; pings are answered by Beast; a received close is echoed with its code.
class WsConnection final : public WsLink, public std::enable_shared_from_this<WsConnection> {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using UpgradeRequest = boost::beast::http::request<boost::beast::http::empty_body>;

  // Server side: answers the upgrade request req (already read from socket) with 101, then
  // reports OnOpen and every frame to events. A failed upgrade just drops the socket.
  static void Accept(Socket socket, UpgradeRequest req, WsLinkEvents& events,
                     const WsConnectionLimits& limits);

  // Client side: resolves host, connects and upgrades ws://host:port/v1/ws within timeout.
  static void Dial(boost::asio::io_context& ioc, const std::string& host, uint16_t port,
                   Duration timeout, WsLinkEvents& events, const WsConnectionLimits& limits,
                   std::function<void(std::shared_ptr<WsLink>)> done);

  WsConnection(Socket socket, WsLinkEvents& events, const WsConnectionLimits& limits);

  void SendText(std::string frame) override;
  void SendPing() override;
  void Close(uint16_t code, std::string reason) override;
  void Terminate() override;
  bool IsOpen() const override { return open_.load(); }
  bool Congested() const override { return congested_.load(); }
  void PauseReading() override;
  void ResumeReading() override;

 private:
  void Configure();
  // Reads the next frame unless a read is pending or the loop ended.
  void StartReading();
  void OnRead(boost::system::error_code ec);
  // Lifts a pause and continues a loop stopped between frames.
  void Unpause();
  void DoWrite();
  void DoClose();
  void Abort();  // on the connection's thread
  // Counts frame into (out of: -1) the queue and updates congested_.
  void Account(const std::string& frame, int direction);

  boost::beast::websocket::stream<Socket> ws_;
  WsLinkEvents& events_;
  const WsConnectionLimits limits_;
  boost::asio::steady_timer write_timer_;
  boost::beast::flat_buffer read_buffer_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  std::atomic<bool> congested_{false};
  // kDelivering: a message is being handed to OnText; a Close or Unpause meanwhile must not
  // start the next read, which would append to (and may reallocate) the buffer being read.
  enum class ReadLoop { kNotStarted, kReading, kDelivering, kBetweenFrames, kEnded };
  ReadLoop read_loop_ = ReadLoop::kNotStarted;
  bool read_paused_ = false;  // PauseReading: OnRead does not read the next frame
  bool writing_ = false;
  bool ping_in_flight_ = false;
  bool close_requested_ = false;
  bool close_sent_ = false;
  boost::beast::websocket::close_reason close_reason_;
  std::atomic<bool> open_{false};
};

// The production WsDialer: each dial runs on the context given by pick_context.
class BeastWsDialer final : public WsDialer {
 public:
  BeastWsDialer(std::function<boost::asio::io_context&()> pick_context, WsConnectionLimits limits)
      : pick_context_(std::move(pick_context)), limits_(limits) {}
  void Dial(const std::string& host, uint16_t port, Duration timeout, WsLinkEvents& events,
            std::function<void(std::shared_ptr<WsLink>)> done) override {
    WsConnection::Dial(pick_context_(), host, port, timeout, events, limits_, std::move(done));
  }

 private:
  std::function<boost::asio::io_context&()> pick_context_;
  WsConnectionLimits limits_;
};

}  // namespace repram::tree
