#include "http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/read.hpp>
#include <deque>
#include <optional>
#include <list>
#include <map>
#include <spdlog/spdlog.h>

namespace repram::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kMaxConnectionsPerPeer = 8;
constexpr size_t kMaxQueuePerPeer = 1024;
constexpr auto kIdleClose = std::chrono::seconds(90);
constexpr uint64_t kMaxResponseBody = 64 * 1024 * 1024;

std::string HostHeader(const std::string& host, uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string SerializeRequest(const ClientRequest& req, const std::string& user_agent) {
  std::string out;
  out.reserve(256 + req.body.size());
  const auto method = bhttp::to_string(req.method);
  out.append(method.data(), method.size());
  out.push_back(' ');
  out.append(req.target);
  out.append(" HTTP/1.1\r\nHost: ");
  out.append(HostHeader(req.host, req.port));
  out.append("\r\nUser-Agent: ");
  out.append(user_agent);
  out.append("\r\n");
  for (const auto& [name, value] : req.headers) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  out.append("Content-Length: ");
  out.append(std::to_string(req.body.size()));
  out.append("\r\n\r\n");
  out.append(req.body);
  return out;
}

// Parses one response into its status, body and (only when asked) header fields, without the
// per-field allocations of Beast's basic_fields: a replication answer carries a dozen CORS and
// security headers nobody reads.
class ResponseParser final : public bhttp::basic_parser<false> {
 public:
  explicit ResponseParser(bool keep_headers) : keep_headers_(keep_headers) {}

  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

 private:
  void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int,
                       beast::error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, beast::error_code&) override {
    status = static_cast<unsigned>(code);
  }
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value,
                     beast::error_code&) override {
    if (keep_headers_) headers.emplace_back(std::string(name), std::string(value));
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code&) override {
    if (length) body.reserve(static_cast<size_t>(std::min(*length, kMaxResponseBody)));
  }
  size_t on_body_impl(beast::string_view data, beast::error_code&) override {
    body.append(data.data(), data.size());
    return data.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view data, beast::error_code&) override {
    body.append(data.data(), data.size());
    return data.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  const bool keep_headers_;
};

}  // namespace

// One shard: the pools of the peers assigned to one io_context thread. Send() runs Enqueue on
// that thread (directly when already there), so the state below needs no lock.
class HttpClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& ioc, std::string user_agent)
      : ioc_(ioc), user_agent_(std::move(user_agent)), sweep_timer_(ioc) {}

  struct Call {
    ClientRequest req;
    std::function<void(ClientResult)> done;
    bool retried = false;
  };

  struct Connection {
    explicit Connection(asio::io_context& ioc) : socket(ioc), timer(ioc) {}
    tcp::socket socket;
    asio::steady_timer timer;
    beast::flat_buffer buffer;
    std::optional<ResponseParser> parser;
    std::string wire;
    SteadyClock::time_point idle_since;
    bool reused = false;
    bool timed_out = false;
  };
  using ConnPtr = std::shared_ptr<Connection>;

  struct Pool {
    std::list<ConnPtr> idle;
    size_t busy = 0;
    std::deque<Call> queue;
  };

  bool RunningHere() const { return ioc_.get_executor().running_in_this_thread(); }

  void Send(ClientRequest req, std::function<void(ClientResult)> done) {
    Call call{std::move(req), std::move(done)};
    if (RunningHere()) return Enqueue(std::move(call));
    asio::post(ioc_, [self = shared_from_this(), call = std::move(call)]() mutable {
      self->Enqueue(std::move(call));
    });
  }

  void DropPool(const std::string& host, uint16_t port) {
    asio::post(ioc_, [self = shared_from_this(), key = HostHeader(host, port)] {
      auto it = self->pools_.find(key);
      if (it == self->pools_.end()) return;
      for (auto& c : it->second.idle) CloseSocket(*c);
      it->second.idle.clear();
    });
  }

  void Shutdown() {
    asio::post(ioc_, [self = shared_from_this()] {
      self->shutdown_ = true;
      self->sweep_timer_.cancel();
      for (auto& [key, pool] : self->pools_) {
        for (auto& c : pool.idle) CloseSocket(*c);
        pool.idle.clear();
        auto queue = std::move(pool.queue);
        for (auto& call : queue) Fail(call, asio::error::operation_aborted);
      }
    });
  }

 private:
  static void CloseSocket(Connection& c) {
    boost::system::error_code ec;
    c.socket.shutdown(tcp::socket::shutdown_both, ec);
    c.socket.close(ec);
  }

  static void Fail(Call& call, boost::system::error_code ec) {
    ClientResult r;
    r.ec = ec;
    call.done(std::move(r));
  }

  void Enqueue(Call call) {
    if (shutdown_) return Fail(call, asio::error::operation_aborted);
    StartSweep();
    const std::string key = HostHeader(call.req.host, call.req.port);
    Pool& pool = pools_[key];
    while (!pool.idle.empty()) {
      ConnPtr c = pool.idle.front();
      pool.idle.pop_front();
      if (SteadyClock::now() - c->idle_since > kIdleClose || !c->socket.is_open()) {
        CloseSocket(*c);
        continue;
      }
      c->reused = true;
      ++pool.busy;
      return Run(key, c, std::move(call));
    }
    if (pool.busy < kMaxConnectionsPerPeer) {
      ++pool.busy;
      return Connect(key, std::make_shared<Connection>(ioc_), std::move(call));
    }
    if (pool.queue.size() >= kMaxQueuePerPeer) {
      spdlog::warn("peer queue for {} full; dropping request", key);
      return Fail(call, asio::error::no_buffer_space);
    }
    pool.queue.push_back(std::move(call));
  }

  void ArmTimer(const ConnPtr& c, std::chrono::milliseconds timeout) {
    c->timed_out = false;
    c->timer.expires_after(timeout);
    c->timer.async_wait([c](boost::system::error_code ec) {
      if (ec) return;
      c->timed_out = true;
      CloseSocket(*c);
    });
  }

  void Connect(const std::string& key, ConnPtr c, Call call) {
    ArmTimer(c, call.req.timeout);
    auto resolver = std::make_shared<tcp::resolver>(ioc_);
    const std::string host = call.req.host;
    const std::string port = std::to_string(call.req.port);
    resolver->async_resolve(
        host, port,
        [self = shared_from_this(), key, c, resolver, call = std::move(call)](
            boost::system::error_code ec, tcp::resolver::results_type results) mutable {
          if (ec || c->timed_out) return self->Finish(key, c, std::move(call), Timeout(c, ec), false);
          asio::async_connect(c->socket, results,
                              [self, key, c, call = std::move(call)](
                                  boost::system::error_code ec2, const tcp::endpoint&) mutable {
                                if (ec2) return self->Finish(key, c, std::move(call), Timeout(c, ec2), false);
                                boost::system::error_code ignored;
                                c->socket.set_option(tcp::no_delay(true), ignored);
                                self->Run(key, c, std::move(call), /*timer_armed=*/true);
                              });
        });
  }

  static boost::system::error_code Timeout(const ConnPtr& c, boost::system::error_code ec) {
    return c->timed_out ? asio::error::timed_out : ec;
  }

  void Run(const std::string& key, ConnPtr c, Call call, bool timer_armed = false) {
    if (!timer_armed) ArmTimer(c, call.req.timeout);
    c->wire = SerializeRequest(call.req, user_agent_);
    asio::async_write(
        c->socket, asio::buffer(c->wire),
        [self = shared_from_this(), key, c, call = std::move(call)](boost::system::error_code ec,
                                                                    size_t) mutable {
          if (ec) return self->Finish(key, c, std::move(call), Timeout(c, ec), false);
          c->parser.emplace(call.req.want_headers);
          c->parser->body_limit(kMaxResponseBody);
          if (call.req.method == bhttp::verb::head) c->parser->skip(true);  // no body follows
          bhttp::async_read(c->socket, c->buffer, *c->parser,
                            [self, key, c, call = std::move(call)](boost::system::error_code ec2,
                                                                   size_t) mutable {
                              self->Finish(key, c, std::move(call), Timeout(c, ec2), !ec2);
                            });
        });
  }

  void Finish(const std::string& key, ConnPtr c, Call call, boost::system::error_code ec,
              bool got_response) {
    c->timer.cancel();
    Pool& pool = pools_[key];
    --pool.busy;
    // A pooled connection the peer closed while idle: retry once on a fresh one.
    if (ec && c->reused && !call.retried && !c->timed_out &&
        (ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == bhttp::error::end_of_stream || ec == asio::error::broken_pipe)) {
      CloseSocket(*c);
      call.retried = true;
      ++pool.busy;
      Connect(key, std::make_shared<Connection>(ioc_), std::move(call));
      return;
    }
    ClientResult result;
    if (!got_response) {
      result.ec = ec;
      CloseSocket(*c);
    } else {
      result.status = c->parser->status;
      result.headers = std::move(c->parser->headers);
      result.body = std::move(c->parser->body);
      if (c->parser->keep_alive() && !shutdown_) {
        c->reused = false;
        c->idle_since = SteadyClock::now();
        c->buffer.consume(c->buffer.size());
        pool.idle.push_back(c);
      } else {
        CloseSocket(*c);
      }
    }
    call.done(std::move(result));
    if (!pool.queue.empty() && !shutdown_) {
      Call next = std::move(pool.queue.front());
      pool.queue.pop_front();
      Enqueue(std::move(next));
    }
  }

  void StartSweep() {
    if (sweeping_) return;
    sweeping_ = true;
    sweep_timer_.expires_after(std::chrono::seconds(30));
    sweep_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self || ec) return;
      self->sweeping_ = false;
      const auto now = SteadyClock::now();
      for (auto& [key, pool] : self->pools_) {
        pool.idle.remove_if([&](const ConnPtr& c) {
          if (now - c->idle_since <= kIdleClose) return false;
          CloseSocket(*c);
          return true;
        });
      }
      if (!self->shutdown_) self->StartSweep();
    });
  }

  asio::io_context& ioc_;
  const std::string user_agent_;
  asio::steady_timer sweep_timer_;
  std::map<std::string, Pool> pools_;
  bool sweeping_ = false;
  bool shutdown_ = false;
};

HttpClient::HttpClient(asio::io_context& ioc, std::string user_agent)
    : HttpClient(std::vector<asio::io_context*>{&ioc}, std::move(user_agent)) {}

HttpClient::HttpClient(const std::vector<asio::io_context*>& contexts, std::string user_agent) {
  for (asio::io_context* ioc : contexts) {
    shards_.push_back(std::make_shared<Impl>(*ioc, user_agent));
  }
}

HttpClient::~HttpClient() { Shutdown(); }

void HttpClient::Send(ClientRequest req, std::function<void(ClientResult)> done) {
  size_t shard = 0;
  if (shards_.size() > 1) {
    std::string key = HostHeader(req.host, req.port);
    std::lock_guard lock(mu_);
    shard = shard_of_.try_emplace(std::move(key), shard_of_.size() % shards_.size())
                .first->second;
  }
  shards_[shard]->Send(std::move(req), std::move(done));
}

void HttpClient::DropPool(const std::string& host, uint16_t port) {
  for (const auto& shard : shards_) shard->DropPool(host, port);
}

void HttpClient::Shutdown() {
  for (const auto& shard : shards_) shard->Shutdown();
}

}  // namespace repram::http
