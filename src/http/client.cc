#include "http/client.h"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/read.hpp>
#include <deque>
#include <map>
#include <optional>

#include "util/host_port.h"

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

// Appends req in HTTP/1.1 wire form to out.
void AppendRequest(const ClientRequest& req, const std::string& user_agent, std::string& out) {
  out.reserve(out.size() + 256 + req.body.size());
  const auto method = bhttp::to_string(req.method);
  out.append(method.data(), method.size());
  out.push_back(' ');
  out.append(req.target);
  out.append(" HTTP/1.1\r\nHost: ");
  out.append(FormatHostPort(req.host, req.port));
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
//
// HTTP/1.1 pipelining: a connection carries up to kPipelineDepth requests whose responses are
// still due, answered in order (RFC 9112 §9.3.2). Requests that wait in the peer's queue while a
// connection is writable leave together in one write, so a backlog costs one send and, on the
// far side, one receive per batch rather than per message. Idle connections are used first, then
// new ones up to the cap, and only then are requests pipelined behind others.
class HttpClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& ioc, std::string user_agent)
      : ioc_(ioc), user_agent_(std::move(user_agent)), sweep_timer_(ioc) {}

  struct Call {
    ClientRequest req;
    std::function<void(ClientResult)> done;
    bool retried = false;
    SteadyClock::time_point deadline{};  // Send time + req.timeout: queueing counts too
  };

  static constexpr size_t kReadBufferBytes = 64 * 1024;

  struct Connection {
    // Beast reads at most the buffer's free capacity (min 512 B): without room reserved a large
    // answer (a catch-up page) arrives in ~560-byte reads, one recv and epoll_wait each.
    explicit Connection(asio::io_context& ioc) : socket(ioc), timer(ioc) {
      buffer.reserve(kReadBufferBytes);
    }
    tcp::socket socket;
    asio::steady_timer timer;
    beast::flat_buffer buffer;
    std::optional<ResponseParser> parser;
    std::string wire;
    std::deque<Call> in_flight;  // written (or being written), answered in this order
    SteadyClock::time_point idle_since;
    bool connected = false;
    bool writing = false;
    bool reused = false;  // idle before its current requests and no answer since
    bool timed_out = false;
    bool closed = false;
  };
  using ConnPtr = std::shared_ptr<Connection>;

  struct Pool {
    std::vector<ConnPtr> conns;  // connecting, busy and idle
    std::deque<Call> queue;
    std::shared_ptr<PeerStats> stats;  // shared with HttpClient::Congested
  };

  bool RunningHere() const { return ioc_.get_executor().running_in_this_thread(); }

  // key is the peer's "host:port"; stats is that peer's entry in HttpClient::peers_.
  void Send(std::string key, std::shared_ptr<PeerStats> stats, ClientRequest req,
            std::function<void(ClientResult)> done) {
    const auto deadline = SteadyClock::now() + req.timeout;
    Call call{std::move(req), std::move(done), false, deadline};
    if (RunningHere()) return Enqueue(key, stats, std::move(call));
    asio::post(ioc_,
               [self = shared_from_this(), key = std::move(key), stats = std::move(stats),
                call = std::move(call)]() mutable { self->Enqueue(key, stats, std::move(call)); });
  }

  void DropPool(const std::string& host, uint16_t port) {
    asio::post(ioc_, [self = shared_from_this(), key = FormatHostPort(host, port)] {
      auto it = self->pools_.find(key);
      if (it == self->pools_.end()) return;
      for (const ConnPtr& c : it->second.conns) {
        if (c->connected && c->in_flight.empty()) CloseSocket(*c);
      }
      std::erase_if(it->second.conns, [](const ConnPtr& c) { return c->closed; });
    });
  }

  void Shutdown() {
    asio::post(ioc_, [self = shared_from_this()] {
      self->shutdown_ = true;
      self->sweep_timer_.cancel();
      for (auto& [key, pool] : self->pools_) {
        auto queue = std::move(pool.queue);
        for (auto& call : queue) Fail(call, asio::error::operation_aborted);
        for (const ConnPtr& c : pool.conns) CloseSocket(*c);  // in-flight calls fail on read
      }
    });
  }

 private:
  static constexpr size_t kPipelineDepth = 16;

  static void CloseSocket(Connection& c) {
    c.closed = true;
    boost::system::error_code ec;
    c.socket.shutdown(tcp::socket::shutdown_both, ec);
    c.socket.close(ec);
    c.timer.cancel();
  }

  static void Fail(Call& call, boost::system::error_code ec) {
    ClientResult r;
    r.ec = ec;
    call.done(std::move(r));
  }

  void Enqueue(const std::string& key, const std::shared_ptr<PeerStats>& stats, Call call) {
    if (shutdown_) return Fail(call, asio::error::operation_aborted);
    StartSweep();
    Pool& pool = pools_[key];
    if (!pool.stats) pool.stats = stats;
    if (pool.queue.size() >= kMaxQueuePerPeer) {
      spdlog::warn("peer queue for {} full; dropping request", key);
      return Fail(call, asio::error::no_buffer_space);
    }
    pool.queue.push_back(std::move(call));
    Pump(key, pool);
  }

  // Moves queued calls onto connections and publishes the queue length.
  void Pump(const std::string& key, Pool& pool) {
    PumpQueue(key, pool);
    pool.stats->queued.store(pool.queue.size(), std::memory_order_relaxed);
  }

  // Moves queued calls onto connections: idle ones first, then new ones up to the cap, then
  // behind the requests of busy ones.
  void PumpQueue(const std::string& key, Pool& pool) {
    if (pool.queue.empty() || shutdown_) return;
    const auto now = SteadyClock::now();
    std::erase_if(pool.conns, [&](const ConnPtr& c) {
      if (!c->closed && c->connected && c->in_flight.empty() && now - c->idle_since > kIdleClose) {
        CloseSocket(*c);
      }
      return c->closed;
    });
    for (const ConnPtr& c : pool.conns) {
      if (pool.queue.empty()) return;
      if (c->connected && !c->writing && c->in_flight.empty()) {
        c->reused = true;
        WriteBatch(key, c, pool);
      }
    }
    while (pool.conns.size() < kMaxConnectionsPerPeer) {
      std::optional<Call> first = TakeLive(pool);
      if (!first) break;
      auto c = std::make_shared<Connection>(ioc_);
      pool.conns.push_back(c);
      Connect(key, c, std::move(*first));
    }
    for (const ConnPtr& c : pool.conns) {
      if (pool.queue.empty()) return;
      if (c->connected && !c->writing && c->in_flight.size() < kPipelineDepth) {
        WriteBatch(key, c, pool);
      }
    }
  }

  // Pops the oldest queued call whose deadline has not passed; fails the expired ones before it.
  static std::optional<Call> TakeLive(Pool& pool) {
    const auto now = SteadyClock::now();
    while (!pool.queue.empty()) {
      Call call = std::move(pool.queue.front());
      pool.queue.pop_front();
      if (call.deadline > now) return call;
      Fail(call, asio::error::timed_out);
    }
    return std::nullopt;
  }

  void Connect(const std::string& key, const ConnPtr& c, Call call) {
    c->in_flight.push_back(std::move(call));
    ArmTimer(c);
    auto resolver = std::make_shared<tcp::resolver>(ioc_);
    const std::string host = c->in_flight.front().req.host;
    const std::string port = std::to_string(c->in_flight.front().req.port);
    resolver->async_resolve(
        host, port,
        [self = shared_from_this(), key, c, resolver](boost::system::error_code ec,
                                                      const tcp::resolver::results_type& results) {
          if (ec || c->closed) return self->FailConnection(key, c, ec);
          asio::async_connect(c->socket, results,
                              [self, key, c](boost::system::error_code ec2, const tcp::endpoint&) {
                                if (ec2 || c->closed) return self->FailConnection(key, c, ec2);
                                boost::system::error_code ignored;
                                c->socket.set_option(tcp::no_delay(true), ignored);
                                c->connected = true;
                                self->StartWrite(key, c);
                                self->ReadNext(key, c);
                                self->Pump(key, self->pools_[key]);
                              });
        });
  }

  // Appends queued calls to c (up to the pipeline depth) and writes them.
  void WriteBatch(const std::string& key, const ConnPtr& c, Pool& pool) {
    const bool was_idle = c->in_flight.empty();
    const size_t first_new = c->in_flight.size();
    while (c->in_flight.size() < kPipelineDepth) {
      std::optional<Call> call = TakeLive(pool);
      if (!call) break;
      c->in_flight.push_back(std::move(*call));
    }
    if (c->in_flight.size() == first_new) return;
    StartWrite(key, c, first_new);
    if (was_idle) {
      ArmTimer(c);
      ReadNext(key, c);
    }
  }

  // Serializes in_flight[from..] into one buffer and writes it.
  void StartWrite(const std::string& key, const ConnPtr& c, size_t from = 0) {
    c->wire.clear();
    for (size_t i = from; i < c->in_flight.size(); ++i) {
      AppendRequest(c->in_flight[i].req, user_agent_, c->wire);
    }
    c->writing = true;
    asio::async_write(c->socket, asio::buffer(c->wire),
                      [self = shared_from_this(), key, c](boost::system::error_code ec, size_t) {
                        c->writing = false;
                        // A failed write also fails the pending read, which settles the calls.
                        if (ec) return CloseSocket(*c);
                        Pool& pool = self->pools_[key];
                        if (!c->closed && !pool.queue.empty()) self->Pump(key, pool);
                      });
  }

  // Times the oldest unanswered call; a late answer closes the connection (its calls time out).
  void ArmTimer(const ConnPtr& c) {
    c->timer.expires_at(c->in_flight.front().deadline);
    c->timer.async_wait([c](boost::system::error_code ec) {
      // A wait that completed just before a re-arm is stale: the new wait covers the deadline.
      if (ec || c->closed || SteadyClock::now() < c->timer.expiry()) return;
      c->timed_out = true;
      CloseSocket(*c);
    });
  }

  void ReadNext(const std::string& key, const ConnPtr& c) {
    c->parser.emplace(c->in_flight.front().req.want_headers);
    c->parser->body_limit(kMaxResponseBody);
    if (c->in_flight.front().req.method == bhttp::verb::head) c->parser->skip(true);
    bhttp::async_read(c->socket, c->buffer, *c->parser,
                      [self = shared_from_this(), key, c](boost::system::error_code ec, size_t) {
                        if (ec) return self->FailConnection(key, c, ec);
                        self->OnResponse(key, c);
                      });
  }

  void OnResponse(const std::string& key, const ConnPtr& c) {
    Pool& pool = pools_[key];  // std::map: stays valid while call.done adds other peers
    Call call = std::move(c->in_flight.front());
    c->in_flight.pop_front();
    pool.stats->last_answer_ns.store(SteadyClock::now().time_since_epoch().count(),
                                     std::memory_order_relaxed);
    c->reused = false;
    ClientResult result;
    result.status = c->parser->status;
    result.headers = std::move(c->parser->headers);
    result.body = std::move(c->parser->body);
    const bool keep = c->parser->keep_alive() && !shutdown_;
    c->parser.reset();
    if (!keep) {
      CloseSocket(*c);
      // The server answered nothing after this response: the calls behind it go again.
      ReturnCalls(key, c, /*retry=*/true, asio::error::connection_aborted);
    } else if (!c->in_flight.empty()) {
      ArmTimer(c);
      ReadNext(key, c);
    } else {
      c->timer.cancel();
      c->idle_since = SteadyClock::now();
      c->buffer.consume(c->buffer.size());
    }
    call.done(std::move(result));
    Pump(key, pool);
  }

  // The connection failed: calls it carried go back to the queue once when the peer closed a
  // pooled connection before answering (it had been idle), and fail otherwise.
  void FailConnection(const std::string& key, const ConnPtr& c, boost::system::error_code ec) {
    const bool stale = c->reused && !c->timed_out &&
                       (ec == asio::error::eof || ec == asio::error::connection_reset ||
                        ec == bhttp::error::end_of_stream || ec == asio::error::broken_pipe);
    if (c->timed_out) ec = asio::error::timed_out;
    CloseSocket(*c);
    ReturnCalls(key, c, stale, ec);
    Pump(key, pools_[key]);
  }

  // Removes closed connection c from its pool. Its unanswered calls go back to the front of the
  // queue, in order, when retry is allowed and they were not retried before; the others fail
  // with ec.
  void ReturnCalls(const std::string& key, const ConnPtr& c, bool retry,
                   boost::system::error_code ec) {
    auto calls = std::move(c->in_flight);
    c->in_flight.clear();
    Pool& pool = pools_[key];
    std::erase(pool.conns, c);
    std::vector<Call> failed;
    for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
      if (retry && !it->retried && !shutdown_) {
        it->retried = true;
        pool.queue.push_front(std::move(*it));
      } else {
        failed.push_back(std::move(*it));
      }
    }
    for (auto it = failed.rbegin(); it != failed.rend(); ++it) Fail(*it, ec);
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
        std::erase_if(pool.conns, [&](const ConnPtr& c) {
          if (c->connected && c->in_flight.empty() && now - c->idle_since > kIdleClose) {
            CloseSocket(*c);
          }
          return c->closed;
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

HttpClient::HttpClient(asio::io_context& ioc, const std::string& user_agent)
    : HttpClient(std::vector<asio::io_context*>{&ioc}, user_agent) {}

HttpClient::HttpClient(const std::vector<asio::io_context*>& contexts,
                       const std::string& user_agent) {
  for (asio::io_context* ioc : contexts) {
    shards_.push_back(std::make_shared<Impl>(*ioc, user_agent));
  }
}

HttpClient::~HttpClient() { Shutdown(); }

void HttpClient::Send(ClientRequest req, std::function<void(ClientResult)> done) {
  std::string key = FormatHostPort(req.host, req.port);
  Peer peer;
  {
    MutexLock lock(mu_);
    auto [it, fresh] = peers_.try_emplace(key);
    if (fresh) {
      it->second = Peer{(peers_.size() - 1) % shards_.size(), std::make_shared<PeerStats>()};
    }
    peer = it->second;
  }
  shards_[peer.shard]->Send(std::move(key), std::move(peer.stats), std::move(req), std::move(done));
}

bool HttpClient::Congested(const std::string& host, uint16_t port) const {
  std::shared_ptr<PeerStats> stats;
  {
    MutexLock lock(mu_);
    auto it = peers_.find(FormatHostPort(host, port));
    if (it == peers_.end()) return false;
    stats = it->second.stats;
  }
  const int64_t now = SteadyClock::now().time_since_epoch().count();
  const int64_t last = stats->last_answer_ns.load(std::memory_order_relaxed);
  return stats->queued.load(std::memory_order_relaxed) >= kMaxQueuePerPeer / 2 && last != 0 &&
         now - last < std::chrono::nanoseconds(std::chrono::seconds(1)).count();
}

void HttpClient::DropPool(const std::string& host, uint16_t port) {
  for (const auto& shard : shards_) shard->DropPool(host, port);
}

void HttpClient::Shutdown() {
  for (const auto& shard : shards_) shard->Shutdown();
}

}  // namespace repram::http
