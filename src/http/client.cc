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
#include <future>
#include <map>
#include <optional>

#include "http/buffer_wipe.h"
#include "util/host_port.h"
#include "util/secure_wipe.h"

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
// Bodies up to this size are copied into the write buffer (one buffer for a batch of small
// gossip messages); larger ones are written from the shared body itself.
constexpr size_t kInlineBodyBytes = 4096;
// Estimate of the request line and fixed headers, counted against the per-peer byte cap.
constexpr size_t kHeadBytes = 256;

// Appends req's request line and headers in HTTP/1.1 wire form to out (the body follows).
void AppendHead(const ClientRequest& req, const std::string& user_agent, std::string& out) {
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
}

// Returns the bytes req holds while it waits or is in flight (its body counted in full, also
// when shared with other peers' requests: the cap bounds what one peer can pin).
size_t HeldBytes(const ClientRequest& req) {
  size_t bytes = kHeadBytes + req.host.size() + req.target.size() + req.body.size();
  for (const auto& [name, value] : req.headers) bytes += name.size() + value.size() + 4;
  return bytes;
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
//
// Completion callbacks are collected in ready_ and run by Flush() at the end of each entry point
// (Enqueue, DropPool, Shutdown, every Asio handler), never inside a loop over a pool's
// connections or queue: a callback may call Send, which changes both.
class HttpClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& ioc, std::string user_agent, size_t max_peer_bytes)
      : ioc_(ioc),
        user_agent_(std::move(user_agent)),
        max_peer_bytes_(max_peer_bytes),
        sweep_timer_(ioc) {}

  struct Call {
    ClientRequest req;
    std::function<void(ClientResult)> done;
    size_t bytes = 0;  // HeldBytes(req), counted in Pool::bytes while the pool holds the call
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
    size_t buffer_dirty = 0;  // bytes read into buffer since it was last wiped
    std::optional<ResponseParser> parser;
    // The write in progress: request heads (and small bodies) in `heads`, large bodies written
    // from the shared bodies held in `bodies` until the write completes.
    std::string heads;
    std::vector<SharedBytes> bodies;
    std::vector<asio::const_buffer> buffers;
    std::deque<Call> in_flight;  // written (or being written), answered in this order
    SteadyClock::time_point idle_since;
    bool connected = false;
    bool writing = false;
    bool reused = false;  // idle before its current requests and no answer since
    bool timed_out = false;
    bool closed = false;
  };
  using ConnPtr = std::shared_ptr<Connection>;

  // Everything held for one peer. Connections' handlers keep it alive after DropPool removed it
  // from pools_.
  struct Pool {
    Pool(std::string k, std::shared_ptr<PeerStats> s) : key(std::move(k)), stats(std::move(s)) {}
    const std::string key;             // "host:port"
    std::vector<ConnPtr> conns;        // connecting, busy and idle
    std::deque<Call> queue;            // waiting for a connection
    size_t bytes = 0;                  // HeldBytes of every call queued or in flight
    size_t dropped = 0;                // refused in the current overflow episode
    std::shared_ptr<PeerStats> stats;  // shared with HttpClient::Congested
  };
  using PoolPtr = std::shared_ptr<Pool>;

  bool RunningHere() const { return ioc_.get_executor().running_in_this_thread(); }

  // key is the peer's "host:port"; stats is that peer's entry in HttpClient::peers_.
  void Send(std::string key, std::shared_ptr<PeerStats> stats, ClientRequest req,
            std::function<void(ClientResult)> done) {
    const auto deadline = SteadyClock::now() + req.timeout;
    const size_t bytes = HeldBytes(req);
    Call call{std::move(req), std::move(done), bytes, false, deadline};
    if (closing_.load()) {  // the context may no longer run: answer on the caller
      ClientResult r;
      r.ec = asio::error::operation_aborted;
      return call.done(std::move(r));
    }
    outstanding_.fetch_add(1);
    if (RunningHere()) return Enqueue(key, stats, std::move(call));
    asio::post(ioc_,
               [self = shared_from_this(), key = std::move(key), stats = std::move(stats),
                call = std::move(call)]() mutable { self->Enqueue(key, stats, std::move(call)); });
  }

  void DropPool(const std::string& key) {
    asio::post(ioc_, [self = shared_from_this(), key] {
      auto node = self->pools_.extract(key);
      if (node.empty()) return;
      self->AbortPool(*node.mapped());
      self->Flush();
    });
  }

  void Shutdown() {
    closing_.store(true);
    if (RunningHere()) return ShutdownNow();
    auto ran = std::make_shared<std::promise<void>>();
    std::future<void> done = ran->get_future();
    asio::post(ioc_, [self = shared_from_this(), ran] {
      self->ShutdownNow();
      ran->set_value();
    });
    // Nothing pending: no need to wait (the context may never have been run).
    if (outstanding_.load() == 0) return;
    while (done.wait_for(std::chrono::milliseconds(10)) != std::future_status::ready) {
      if (ioc_.stopped()) return ShutdownNow();  // no thread runs the context any more
    }
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

  // Hands call's result to Flush; releases its bytes from pool (nullptr: never admitted).
  void Complete(Pool* pool, Call& call, ClientResult result) {
    if (pool != nullptr) pool->bytes -= call.bytes;
    ready_.emplace_back(std::move(call.done), std::move(result));
  }

  void Fail(Pool* pool, Call& call, boost::system::error_code ec) {
    ClientResult r;
    r.ec = ec;
    Complete(pool, call, std::move(r));
  }

  // Runs the collected completions, including those their callbacks add.
  void Flush() {
    while (!ready_.empty()) {
      auto batch = std::move(ready_);
      ready_.clear();
      for (auto& [done, result] : batch) {
        outstanding_.fetch_sub(1);
        done(std::move(result));
      }
    }
  }

  void ShutdownNow() {
    shutdown_ = true;
    sweep_timer_.cancel();
    auto pools = std::move(pools_);
    pools_.clear();
    for (auto& [key, pool] : pools) AbortPool(*pool);
    Flush();
  }

  // Closes pool's connections and fails every call it holds with operation_aborted.
  void AbortPool(Pool& pool) {
    for (Call& call : pool.queue) Fail(&pool, call, asio::error::operation_aborted);
    pool.queue.clear();
    for (const ConnPtr& c : pool.conns) {
      CloseSocket(*c);
      for (Call& call : c->in_flight) Fail(&pool, call, asio::error::operation_aborted);
      c->in_flight.clear();
    }
    pool.conns.clear();
    Publish(pool);
  }

  void Enqueue(const std::string& key, const std::shared_ptr<PeerStats>& stats, Call call) {
    if (shutdown_) {
      Fail(nullptr, call, asio::error::operation_aborted);
      return Flush();
    }
    StartSweep();
    PoolPtr& slot = pools_[key];
    if (!slot) slot = std::make_shared<Pool>(key, stats);
    Pool& pool = *slot;
    if (pool.queue.size() >= kMaxQueuePerPeer || pool.bytes + call.bytes > max_peer_bytes_) {
      if (pool.dropped++ == 0) {
        spdlog::warn(
            "peer queue for {} full ({} requests waiting, {} bytes held); dropping requests "
            "until it drains",
            key, pool.queue.size(), pool.bytes);
      }
      Fail(nullptr, call, asio::error::no_buffer_space);
      return Flush();
    }
    if (pool.dropped > 0) {
      spdlog::info("peer queue for {} accepts requests again ({} dropped while full)", key,
                   pool.dropped);
      pool.dropped = 0;
    }
    pool.bytes += call.bytes;
    pool.queue.push_back(std::move(call));
    Pump(slot);
    Flush();
  }

  // Publishes pool's load for HttpClient::Congested.
  static void Publish(const Pool& pool) {
    pool.stats->queued.store(pool.queue.size(), std::memory_order_relaxed);
    pool.stats->bytes.store(pool.bytes, std::memory_order_relaxed);
  }

  // Moves queued calls onto connections and publishes the load.
  void Pump(const PoolPtr& pool) {
    PumpQueue(pool);
    Publish(*pool);
  }

  // Moves queued calls onto connections: idle ones first, then new ones up to the cap, then
  // behind the requests of busy ones.
  void PumpQueue(const PoolPtr& pool) {
    if (pool->queue.empty() || shutdown_) return;
    const auto now = SteadyClock::now();
    std::erase_if(pool->conns, [&](const ConnPtr& c) {
      if (!c->closed && c->connected && c->in_flight.empty() && now - c->idle_since > kIdleClose) {
        CloseSocket(*c);
      }
      return c->closed;
    });
    for (const ConnPtr& c : pool->conns) {
      if (pool->queue.empty()) return;
      if (c->connected && !c->writing && c->in_flight.empty()) {
        c->reused = true;
        WriteBatch(pool, c);
      }
    }
    while (pool->conns.size() < kMaxConnectionsPerPeer) {
      std::optional<Call> first = TakeLive(*pool);
      if (!first) break;
      auto c = std::make_shared<Connection>(ioc_);
      pool->conns.push_back(c);
      Connect(pool, c, std::move(*first));
    }
    for (const ConnPtr& c : pool->conns) {
      if (pool->queue.empty()) return;
      if (c->connected && !c->writing && c->in_flight.size() < kPipelineDepth) {
        WriteBatch(pool, c);
      }
    }
  }

  // Pops the oldest queued call whose deadline has not passed; fails the expired ones before it.
  std::optional<Call> TakeLive(Pool& pool) {
    const auto now = SteadyClock::now();
    while (!pool.queue.empty()) {
      Call call = std::move(pool.queue.front());
      pool.queue.pop_front();
      if (call.deadline > now) return call;
      Fail(&pool, call, asio::error::timed_out);
    }
    return std::nullopt;
  }

  void Connect(const PoolPtr& pool, const ConnPtr& c, Call call) {
    c->in_flight.push_back(std::move(call));
    ArmTimer(c);
    auto resolver = std::make_shared<tcp::resolver>(ioc_);
    const std::string host = c->in_flight.front().req.host;
    const std::string port = std::to_string(c->in_flight.front().req.port);
    resolver->async_resolve(
        host, port,
        [self = shared_from_this(), pool, c, resolver](boost::system::error_code ec,
                                                       const tcp::resolver::results_type& results) {
          if (ec || c->closed) return self->FailConnection(pool, c, ec);
          asio::async_connect(c->socket, results,
                              [self, pool, c](boost::system::error_code ec2, const tcp::endpoint&) {
                                if (ec2 || c->closed) return self->FailConnection(pool, c, ec2);
                                boost::system::error_code ignored;
                                c->socket.set_option(tcp::no_delay(true), ignored);
                                c->connected = true;
                                self->StartWrite(pool, c);
                                self->ReadNext(pool, c);
                                self->Pump(pool);
                                self->Flush();
                              });
        });
  }

  // Appends queued calls to c (up to the pipeline depth) and writes them.
  void WriteBatch(const PoolPtr& pool, const ConnPtr& c) {
    const bool was_idle = c->in_flight.empty();
    const size_t first_new = c->in_flight.size();
    while (c->in_flight.size() < kPipelineDepth) {
      std::optional<Call> call = TakeLive(*pool);
      if (!call) break;
      c->in_flight.push_back(std::move(*call));
    }
    if (c->in_flight.size() == first_new) return;
    StartWrite(pool, c, first_new);
    if (was_idle) {
      ArmTimer(c);
      ReadNext(pool, c);
    }
  }

  // Writes in_flight[from..] in one gather write: heads and small bodies from c->heads, large
  // bodies straight from their shared buffers (held in c->bodies until the write completes).
  void StartWrite(const PoolPtr& pool, const ConnPtr& c, size_t from = 0) {
    c->heads.clear();
    c->bodies.clear();
    std::vector<size_t> cuts;  // offsets in heads where c->bodies[i] goes
    for (size_t i = from; i < c->in_flight.size(); ++i) {
      const ClientRequest& req = c->in_flight[i].req;
      AppendHead(req, user_agent_, c->heads);
      if (req.body.size() <= kInlineBodyBytes) {
        c->heads.append(req.body.view());
      } else {
        cuts.push_back(c->heads.size());
        c->bodies.push_back(req.body);
      }
    }
    c->buffers.clear();
    size_t pos = 0;
    for (size_t i = 0; i < cuts.size(); ++i) {
      c->buffers.emplace_back(c->heads.data() + pos, cuts[i] - pos);
      c->buffers.emplace_back(c->bodies[i].data(), c->bodies[i].size());
      pos = cuts[i];
    }
    c->buffers.emplace_back(c->heads.data() + pos, c->heads.size() - pos);
    c->writing = true;
    asio::async_write(c->socket, c->buffers,
                      [self = shared_from_this(), pool, c](boost::system::error_code ec, size_t) {
                        c->writing = false;
                        c->bodies.clear();
                        SecureClear(c->heads);  // small gossip bodies (values) were inlined
                        // A failed write also fails the pending read, which settles the calls.
                        if (ec) return CloseSocket(*c);
                        if (!c->closed && !pool->queue.empty()) self->Pump(pool);
                        self->Flush();
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

  void ReadNext(const PoolPtr& pool, const ConnPtr& c) {
    c->parser.emplace(c->in_flight.front().req.want_headers);
    c->parser->body_limit(kMaxResponseBody);
    if (c->in_flight.front().req.method == bhttp::verb::head) c->parser->skip(true);
    bhttp::async_read(c->socket, c->buffer, *c->parser,
                      [self = shared_from_this(), pool, c](boost::system::error_code ec, size_t n) {
                        c->buffer_dirty += n;  // bytes the parser consumed
                        // Closed meanwhile (DropPool, Shutdown): its calls are settled already.
                        if (ec || c->closed) return self->FailConnection(pool, c, ec);
                        self->OnResponse(pool, c);
                      });
  }

  void OnResponse(const PoolPtr& pool, const ConnPtr& c) {
    Call call = std::move(c->in_flight.front());
    c->in_flight.pop_front();
    pool->stats->last_answer_ns.store(SteadyClock::now().time_since_epoch().count(),
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
      ReturnCalls(*pool, c, /*retry=*/true, asio::error::connection_aborted);
    } else if (!c->in_flight.empty()) {
      ArmTimer(c);
      ReadNext(pool, c);
    } else {
      c->timer.cancel();
      c->idle_since = SteadyClock::now();
      c->buffer_dirty += c->buffer.size();
      c->buffer.consume(c->buffer.size());
      WipeEmptyBuffer(c->buffer, c->buffer_dirty);  // answers may carry values (catch-up pages)
    }
    Complete(pool.get(), call, std::move(result));
    Pump(pool);
    Flush();
  }

  // The connection failed: calls it carried go back to the queue once when the peer closed a
  // pooled connection before answering (it had been idle), and fail otherwise.
  void FailConnection(const PoolPtr& pool, const ConnPtr& c, boost::system::error_code ec) {
    const bool stale = c->reused && !c->timed_out &&
                       (ec == asio::error::eof || ec == asio::error::connection_reset ||
                        ec == bhttp::error::end_of_stream || ec == asio::error::broken_pipe);
    if (c->timed_out) ec = asio::error::timed_out;
    if (!ec) ec = asio::error::operation_aborted;  // closed under a completed operation
    CloseSocket(*c);
    ReturnCalls(*pool, c, stale, ec);
    Pump(pool);
    Flush();
  }

  // Removes closed connection c from pool. Its unanswered calls go back to the front of the
  // queue, in order, when retry is allowed and they were not retried before; the others fail
  // with ec.
  void ReturnCalls(Pool& pool, const ConnPtr& c, bool retry, boost::system::error_code ec) {
    auto calls = std::move(c->in_flight);
    c->in_flight.clear();
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
    for (auto it = failed.rbegin(); it != failed.rend(); ++it) Fail(&pool, *it, ec);
  }

  // Every 30 s: closes connections idle for 90 s and forgets pools left with nothing.
  void StartSweep() {
    if (sweeping_) return;
    sweeping_ = true;
    sweep_timer_.expires_after(std::chrono::seconds(30));
    sweep_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self || ec) return;
      self->sweeping_ = false;
      const auto now = SteadyClock::now();
      std::erase_if(self->pools_, [&](const auto& entry) {
        Pool& pool = *entry.second;
        std::erase_if(pool.conns, [&](const ConnPtr& c) {
          if (c->connected && c->in_flight.empty() && now - c->idle_since > kIdleClose) {
            CloseSocket(*c);
          }
          return c->closed;
        });
        return pool.conns.empty() && pool.queue.empty();
      });
      if (!self->shutdown_ && !self->pools_.empty()) self->StartSweep();
    });
  }

  asio::io_context& ioc_;
  const std::string user_agent_;
  const size_t max_peer_bytes_;
  asio::steady_timer sweep_timer_;
  std::map<std::string, PoolPtr> pools_;
  std::vector<std::pair<std::function<void(ClientResult)>, ClientResult>> ready_;
  std::atomic<size_t> outstanding_{0};  // calls sent and not yet completed (any thread reads)
  std::atomic<bool> closing_{false};    // Shutdown began: Send fails at once
  bool sweeping_ = false;
  bool shutdown_ = false;
};

HttpClient::HttpClient(asio::io_context& ioc, const std::string& user_agent)
    : HttpClient(std::vector<asio::io_context*>{&ioc}, user_agent) {}

HttpClient::HttpClient(const std::vector<asio::io_context*>& contexts,
                       const std::string& user_agent, size_t max_peer_bytes)
    : max_peer_bytes_(max_peer_bytes) {
  for (asio::io_context* ioc : contexts) {
    shards_.push_back(std::make_shared<Impl>(*ioc, user_agent, max_peer_bytes));
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
      it->second = Peer{next_shard_++ % shards_.size(), std::make_shared<PeerStats>()};
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
  const bool backlog = stats->queued.load(std::memory_order_relaxed) >= kMaxQueuePerPeer / 2 ||
                       stats->bytes.load(std::memory_order_relaxed) >= max_peer_bytes_ / 2;
  return backlog && last != 0 &&
         now - last < std::chrono::nanoseconds(std::chrono::seconds(1)).count();
}

void HttpClient::DropPool(const std::string& host, uint16_t port) {
  std::string key = FormatHostPort(host, port);
  Peer peer;
  {
    MutexLock lock(mu_);
    auto node = peers_.extract(key);
    if (node.empty()) return;
    peer = node.mapped();
  }
  shards_[peer.shard]->DropPool(key);
}

void HttpClient::Shutdown() {
  for (const auto& shard : shards_) shard->Shutdown();
}

}  // namespace repram::http
