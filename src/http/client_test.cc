#include "http/client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "util/mutex.h"

namespace repram::http {
namespace {

// One request as the test server saw it.
struct SeenRequest {
  int connection = 0;  // 0-based accept order
  std::string target;
  std::string body;
};

// What the server does with a request: the raw bytes to answer (empty = close without answering,
// kNoAnswer = keep the connection open and never answer).
using Behaviour = std::function<std::string(const SeenRequest&, int index_on_connection)>;
const std::string kNoAnswer = "\x01";

std::string Answer(const std::string& body, bool close = false) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         (close ? "Connection: close\r\n" : "") + "\r\n" + body;
}

// A blocking HTTP/1.1 server on 127.0.0.1 (one thread per connection), written with plain
// sockets so that it shares no code with the client under test and can misbehave on purpose.
class TestServer {
 public:
  explicit TestServer(Behaviour behaviour) : behaviour_(std::move(behaviour)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    EXPECT_EQ(listen(listener_, 64), 0);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~TestServer() {
    stopping_ = true;
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    acceptor_.join();
    {
      MutexLock lock(mu_);
      for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : workers_) t.join();
  }

  uint16_t port() const { return port_; }

  std::vector<SeenRequest> seen() {
    MutexLock lock(mu_);
    return seen_;
  }

  int connections() {
    MutexLock lock(mu_);
    return static_cast<int>(fds_.size());
  }

  // The largest number of requests that were already received on one connection when the first
  // of them was answered (> 1 means the client pipelined).
  int max_batch() const { return max_batch_; }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      MutexLock lock(mu_);
      const int id = static_cast<int>(fds_.size());
      fds_.push_back(fd);
      workers_.emplace_back([this, fd, id] { Serve(fd, id); });
    }
  }

  // Parses every complete request in buf (Content-Length bodies only).
  static std::vector<SeenRequest> TakeRequests(std::string& buf, int connection) {
    std::vector<SeenRequest> out;
    while (true) {
      const size_t end = buf.find("\r\n\r\n");
      if (end == std::string::npos) return out;
      const std::string head = buf.substr(0, end);
      size_t length = 0;
      if (size_t cl = head.find("Content-Length: "); cl != std::string::npos) {
        length = std::stoul(head.substr(cl + 16));
      }
      if (buf.size() < end + 4 + length) return out;
      const size_t sp = head.find(' ');
      out.push_back({connection, head.substr(sp + 1, head.find(' ', sp + 1) - sp - 1),
                     buf.substr(end + 4, length)});
      buf.erase(0, end + 4 + length);
    }
  }

  void Serve(int fd, int id) {
    std::string buf;
    int index = 0;
    char chunk[65536];
    while (true) {
      const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buf.append(chunk, static_cast<size_t>(n));
      std::vector<SeenRequest> batch = TakeRequests(buf, id);
      if (static_cast<int>(batch.size()) > max_batch_) max_batch_ = static_cast<int>(batch.size());
      for (const SeenRequest& r : batch) {
        {
          MutexLock lock(mu_);
          seen_.push_back(r);
        }
        const std::string reply = behaviour_(r, index++);
        if (reply == kNoAnswer) continue;
        if (reply.empty()) return CloseFd(fd);
        send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
        if (reply.find("Connection: close") != std::string::npos) return CloseFd(fd);
      }
    }
    CloseFd(fd);
  }

  void CloseFd(int fd) { shutdown(fd, SHUT_RDWR); }

  Behaviour behaviour_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> max_batch_{0};
  std::thread acceptor_;
  Mutex mu_;
  std::vector<int> fds_ GUARDED_BY(mu_);
  std::vector<std::thread> workers_ GUARDED_BY(mu_);
  std::vector<SeenRequest> seen_ GUARDED_BY(mu_);
};

// Runs an HttpClient on its own io_context thread and collects results.
class ClientTest : public ::testing::Test {
 protected:
  ClientTest() : work_(ioc_.get_executor()), client_(ioc_, "client-test") {
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~ClientTest() override {
    client_.Shutdown();
    work_.reset();
    thread_.join();
  }

  ClientRequest Post(uint16_t port, std::string body,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    ClientRequest req;
    req.host = "127.0.0.1";
    req.port = port;
    req.target = "/echo";
    req.body = std::move(body);
    req.timeout = timeout;
    return req;
  }

  // Sends every request, waits for every result; results[i] belongs to reqs[i].
  std::vector<ClientResult> SendAll(std::vector<ClientRequest> reqs) {
    std::vector<ClientResult> results(reqs.size());
    size_t left = reqs.size();
    Mutex mu;
    CondVar all_done;
    for (size_t i = 0; i < reqs.size(); ++i) {
      client_.Send(std::move(reqs[i]), [&, i](ClientResult r) {
        MutexLock lock(mu);
        results[i] = std::move(r);
        if (--left == 0) all_done.NotifyAll();
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    MutexLock lock(mu);
    while (left > 0) {
      if (!all_done.WaitUntil(mu, deadline)) break;
    }
    EXPECT_EQ(left, 0u);
    return results;
  }

  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  HttpClient client_;
  std::thread thread_;
};

Behaviour Echo() {
  return [](const SeenRequest& r, int) { return Answer(r.body); };
}

TEST_F(ClientTest, ManyRequestsEachGetTheirOwnAnswerOverAtMostEightConnections) {
  TestServer server(Echo());
  std::vector<ClientRequest> reqs;
  for (int i = 0; i < 300; ++i) reqs.push_back(Post(server.port(), "m" + std::to_string(i)));
  const auto results = SendAll(std::move(reqs));
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(results[i].ok_2xx()) << i << ": " << results[i].ec.message();
    EXPECT_EQ(results[i].body, "m" + std::to_string(i));
  }
  EXPECT_LE(server.connections(), 8);
  EXPECT_EQ(server.seen().size(), 300u);
}

TEST_F(ClientTest, PipelinesBehindBusyConnections) {
  // 100 requests sent at once: while the first connections are being set up the rest wait in
  // the queue, and the first connection that can write takes a batch of them in one write.
  TestServer server(Echo());
  std::vector<ClientRequest> reqs;
  for (int i = 0; i < 100; ++i) reqs.push_back(Post(server.port(), std::to_string(i)));
  const auto results = SendAll(std::move(reqs));
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok_2xx()) << i;
    EXPECT_EQ(results[i].body, std::to_string(i));
  }
  EXPECT_GT(server.max_batch(), 1);  // without pipelining a connection carries one at a time
}

TEST_F(ClientTest, ConnectionCloseRequeuesTheRequestsBehindIt) {
  // Every connection answers one request and closes: pipelined requests behind it were never
  // answered and must go again on fresh connections.
  TestServer server([](const SeenRequest& r, int) { return Answer(r.body, /*close=*/true); });
  std::vector<ClientRequest> reqs;
  for (int i = 0; i < 40; ++i) reqs.push_back(Post(server.port(), std::to_string(i)));
  const auto results = SendAll(std::move(reqs));
  int ok = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok_2xx()) {
      ++ok;
      EXPECT_EQ(results[i].body, std::to_string(i));
    } else {
      EXPECT_EQ(results[i].ec, boost::asio::error::connection_aborted) << results[i].ec.message();
    }
  }
  // A request is retried once, so most (at least the first 8) succeed; none is answered wrongly.
  EXPECT_GE(ok, 8);
}

TEST_F(ClientTest, StaleIdleConnectionIsRetriedOnceOnAFreshOne) {
  // Connection 0 answers its first request, then closes without answering the next one: a
  // pooled connection the peer dropped while it was idle.
  TestServer server([](const SeenRequest& r, int index) {
    if (r.connection == 0 && index == 1) return std::string();
    return Answer(r.body);
  });
  ASSERT_TRUE(SendAll({Post(server.port(), "first")})[0].ok_2xx());
  const auto second = SendAll({Post(server.port(), "second")});
  ASSERT_TRUE(second[0].ok_2xx()) << second[0].ec.message();
  EXPECT_EQ(second[0].body, "second");
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(ClientTest, SilentPeerTimesOutEveryRequestItCarries) {
  TestServer server([](const SeenRequest&, int) { return kNoAnswer; });
  std::vector<ClientRequest> reqs;
  for (int i = 0; i < 20; ++i) {
    reqs.push_back(Post(server.port(), "x", std::chrono::milliseconds(300)));
  }
  const auto started = std::chrono::steady_clock::now();
  const auto results = SendAll(std::move(reqs));
  for (const ClientResult& r : results) EXPECT_EQ(r.ec, boost::asio::error::timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(ClientTest, QueueBeyondTheCapFailsAtOnce) {
  // 8 connections x 16 pipelined + 1024 waiting are accepted; the next request is refused.
  TestServer server([](const SeenRequest&, int) { return kNoAnswer; });
  std::vector<ClientRequest> reqs;
  const size_t accepted = 8 * 16 + 1024;
  for (size_t i = 0; i < accepted + 5; ++i) {
    reqs.push_back(Post(server.port(), "x", std::chrono::milliseconds(1500)));
  }
  const auto results = SendAll(std::move(reqs));
  size_t refused = 0;
  for (const ClientResult& r : results) {
    if (r.ec == boost::asio::error::no_buffer_space) ++refused;
  }
  // Requests wait in the queue while the connections are still being set up, so the cap can
  // refuse a few more than the five beyond the pipelined capacity, never fewer.
  EXPECT_GE(refused, 5u);
  EXPECT_LE(refused, 5u + 8 * 16);
}

TEST_F(ClientTest, CongestedWhileHalfTheQueueWaitsAndThePeerStillAnswers) {
  // The peer answers its first request, then nothing: requests pile up behind the 8 x 16 in
  // flight while its last answer is recent.
  TestServer server(
      [](const SeenRequest& r, int) { return r.body == "first" ? Answer("ok") : kNoAnswer; });
  ASSERT_TRUE(SendAll({Post(server.port(), "first")})[0].ok_2xx());
  EXPECT_FALSE(client_.Congested("127.0.0.1", server.port()));
  for (int i = 0; i < 8 * 16 + 600; ++i) {
    client_.Send(Post(server.port(), "x", std::chrono::seconds(3)), [](ClientResult) {});
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!client_.Congested("127.0.0.1", server.port()) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_TRUE(client_.Congested("127.0.0.1", server.port()));
}

TEST_F(ClientTest, StalledPeerIsNeverCongested) {
  TestServer server([](const SeenRequest&, int) { return kNoAnswer; });
  for (int i = 0; i < 8 * 16 + 600; ++i) {
    client_.Send(Post(server.port(), "x", std::chrono::seconds(3)), [](ClientResult) {});
  }
  // Once the server holds all 8 x 16 pipelined requests, the other 600 wait in the queue.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server.seen().size() < 8 * 16 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(server.seen().size(), 8u * 16);
  EXPECT_FALSE(client_.Congested("127.0.0.1", server.port()));  // it never answered
  EXPECT_FALSE(client_.Congested("127.0.0.1", 1));              // unknown peer
}

TEST_F(ClientTest, RefusedConnectionFailsWithoutAnswer) {
  uint16_t port;
  {
    TestServer closed(Echo());
    port = closed.port();
  }
  const auto results = SendAll({Post(port, "x")});
  EXPECT_TRUE(results[0].ec);
  EXPECT_EQ(results[0].status, 0u);
}

}  // namespace
}  // namespace repram::http
