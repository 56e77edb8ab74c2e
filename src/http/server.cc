#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <thread>

namespace repram::http {

namespace asio = boost::asio;

HttpServer::HttpServer(IoPool& pool, const RouteTable& routes, std::vector<RateLimiter*> limiters,
                       HttpMetrics& metrics, ServerOptions options)
    : pool_(pool),
      limiters_(std::move(limiters)),
      options_(std::move(options)),
      env_{routes, limiters_, metrics, options_},
      acceptor_(pool.context(0)),
      accept_backoff_(pool.context(0)) {
  for (size_t i = 0; i < pool_.size(); ++i) {
    registries_.push_back(std::make_shared<SessionRegistry>(pool_.context(i)));
  }
}

HttpServer::~HttpServer() = default;

Result<uint16_t> HttpServer::Listen() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.bind, ec);
  if (ec) return Status(StatusCode::kInvalidArgument, "invalid bind address " + options_.bind);
  const asio::ip::tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(StatusCode::kUnavailable, "cannot listen on " + options_.bind + ":" +
                                                std::to_string(options_.port) + ": " +
                                                ec.message());
  }
  return acceptor_.local_endpoint().port();
}

void HttpServer::Start() {
  for (size_t i = 0; i < registries_.size(); ++i) {
    asio::post(pool_.context(i), [r = registries_[i]] { r->Start(); });
  }
  asio::post(pool_.context(0), [this] { DoAccept(); });
}

void HttpServer::DoAccept() {
  const size_t index = pool_.NextIndex();
  acceptor_.async_accept(pool_.context(index), [this, index](boost::system::error_code ec,
                                                             asio::ip::tcp::socket socket) {
    if (stopping_) return;
    if (!ec) {
      // The socket belongs to context `index`; start the session there.
      asio::post(pool_.context(index),
                 [this, index, s = std::make_shared<asio::ip::tcp::socket>(std::move(socket))] {
                   StartSession(index, std::move(*s));
                 });
    } else if (ec != asio::error::operation_aborted) {
      // Out of descriptors and similar: back off instead of spinning on the error.
      spdlog::warn("accept failed: {}; pausing accepts for 100 ms", ec.message());
      accept_backoff_.expires_after(std::chrono::milliseconds(100));
      accept_backoff_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec && !stopping_) DoAccept();
      });
      return;
    }
    DoAccept();
  });
}

void HttpServer::StartSession(size_t index, asio::ip::tcp::socket socket) {
  if (options_.max_connections > 0 && open_connections() >= options_.max_connections) {
    const bool closed_idle = registries_[index]->CloseOldestIdle();
    NoteCapReached(closed_idle);
    if (!closed_idle) {
      boost::system::error_code ec;
      socket.close(ec);
      return;
    }
  }
  boost::system::error_code opt_ec;
  socket.set_option(asio::ip::tcp::no_delay(true), opt_ec);
  const auto peer = socket.remote_endpoint(opt_ec);
  std::make_shared<Session>(pool_.context(index), std::move(socket), env_, registries_[index],
                            index, opt_ec ? std::string() : peer.address().to_string())
      ->Start();
}

void HttpServer::NoteCapReached(bool closed_idle) {
  ++(closed_idle ? cap_closed_idle_ : cap_refused_);
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = cap_logged_at_ns_.load();
  constexpr int64_t kLogEveryNs = 10'000'000'000;
  if (last != 0 && now - last < kLogEveryNs) return;
  if (!cap_logged_at_ns_.compare_exchange_strong(last, now)) return;  // another thread logs
  spdlog::warn(
      "connection cap reached (REPRAM_MAX_CONNECTIONS={}): {} oldest idle connection(s) closed "
      "to admit new ones, {} new connection(s) closed because none was idle (totals)",
      options_.max_connections, cap_closed_idle_.load(), cap_refused_.load());
}

size_t HttpServer::Shutdown(std::chrono::milliseconds drain) {
  stopping_ = true;
  asio::post(pool_.context(0), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
    accept_backoff_.cancel();
  });
  for (size_t i = 0; i < registries_.size(); ++i) {
    asio::post(pool_.context(i), [r = registries_[i]] { r->BeginShutdown(); });
  }
  const auto deadline = std::chrono::steady_clock::now() + drain;
  while (open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // main thread, not an I/O thread
  }
  return open_connections();
}

size_t HttpServer::open_connections() const {
  size_t n = 0;
  for (const auto& r : registries_) n += r->open();
  return n;
}

}  // namespace repram::http
