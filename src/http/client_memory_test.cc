// Memory bound of one body sent to many peers (issue #13 item 1), measured with the counting
// allocator: no RSS, no timing.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/client.h"
#include "http/testing/raw_http_server.h"
#include "util/testing/counting_allocator.h"

namespace repram::http {
namespace {

using repram::testing::LiveHeapBytes;

constexpr size_t kBodyBytes = 1 << 20;
constexpr int kPeers = 32;

// A peer that accepts one connection and never reads from it nor answers (a lagging peer).
class SilentPeer {
 public:
  SilentPeer() { listener_ = http::testing::ListenOnLoopback(8, port_); }
  ~SilentPeer() {
    if (conn_ >= 0) close(conn_);
    close(listener_);
  }
  uint16_t port() const { return port_; }

  // Returns true once the client connected and its first bytes arrived (nothing is read).
  bool ReceivedBytes() {
    if (conn_ < 0) {
      pollfd p{listener_, POLLIN, 0};
      if (poll(&p, 1, 0) != 1) return false;
      conn_ = accept(listener_, nullptr, nullptr);
    }
    int pending = 0;
    return conn_ >= 0 && ioctl(conn_, FIONREAD, &pending) == 0 && pending > 0;
  }

 private:
  int listener_ = -1;
  int conn_ = -1;
  uint16_t port_ = 0;
};

// The same 1 MiB body sent to 32 peers that accept and never answer is held once while every
// request is on the wire: one copy per request and per write buffer would be ~64 MiB.
TEST(ClientMemoryTest, OneBodySentToManyPeersIsHeldOnce) {
  std::vector<SilentPeer> peers(kPeers);
  boost::asio::io_context ioc;
  auto work = boost::asio::make_work_guard(ioc);
  std::thread thread([&] { ioc.run(); });
  {
    HttpClient client(ioc, "memory-test");
    const size_t before = LiveHeapBytes();
    {
      // The body type of ClientRequest: copies of it are what each peer's request holds.
      const decltype(ClientRequest{}.body) body = std::string(kBodyBytes, 'b');
      for (const SilentPeer& peer : peers) {
        ClientRequest req;
        req.host = "127.0.0.1";
        req.port = peer.port();
        req.target = "/v1/gossip/message";
        req.body = body;
        req.timeout = std::chrono::seconds(30);
        client.Send(std::move(req), [](ClientResult) {});
      }
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (SilentPeer& peer : peers) {
      while (!peer.ReceivedBytes() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
      }
      ASSERT_TRUE(peer.ReceivedBytes());
    }
    const size_t held = LiveHeapBytes() - before;
    // One body plus each connection's own state (mostly its 64 KiB read buffer).
    EXPECT_LT(held, kBodyBytes + kPeers * (128 << 10))
        << "held " << held << " bytes for " << kPeers << " peers";
    RecordProperty("held_bytes", std::to_string(held));
    client.Shutdown();
  }
  work.reset();
  thread.join();
}

}  // namespace
}  // namespace repram::http
