// HttpClient lifetimes and bounds (issue #13 items 1 and 5): completion callbacks that re-enter
// the client, completion of every pending call at shutdown, the per-peer byte cap, and the
// release of an evicted peer's pool.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/client.h"
#include "http/testing/client_fixture.h"
#include "http/testing/raw_http_server.h"
#include "util/mutex.h"

namespace repram::http {
namespace {

using testing::Answer;
using testing::ClientTest;
using testing::kNoAnswer;
using testing::SeenRequest;
using testing::TestServer;

// Collects the results of calls that complete on the client's thread.
class Results {
 public:
  std::function<void(ClientResult)> Slot() {
    return [this](ClientResult r) {
      MutexLock lock(mu_);
      results_.push_back(std::move(r));
    };
  }
  std::vector<ClientResult> Get() const {
    MutexLock lock(mu_);
    return results_;
  }
  // Waits (polling) until n results arrived; returns them.
  std::vector<ClientResult> WaitFor(size_t n) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (Get().size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    return Get();
  }

 private:
  mutable Mutex mu_;
  std::vector<ClientResult> results_ GUARDED_BY(mu_);
};

size_t CountTarget(const std::vector<SeenRequest>& seen, const std::string& target) {
  size_t n = 0;
  for (const SeenRequest& r : seen) n += r.target == target ? 1 : 0;
  return n;
}

ClientRequest Request(uint16_t port, const std::string& target, std::string body = "",
                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  ClientRequest req;
  req.host = "127.0.0.1";
  req.port = port;
  req.target = target;
  req.body = std::move(body);
  req.timeout = timeout;
  return req;
}

// A call that expires in the queue is failed while the client hands queued calls to an idle
// connection; its callback sends again to the same peer. The callback must not run inside that
// hand-over: before the fix the nested Send wrote its request on the same connection and the
// outer hand-over wrote it a second time (the server saw "/again" twice).
TEST_F(ClientTest, CallbackThatSendsAgainRunsAfterTheClientFinishedItsLoops) {
  TestServer server([](const SeenRequest& r, int) { return Answer(r.target); });
  Results warm;
  client_.Send(Request(server.port(), "/warm"), warm.Slot());
  ASSERT_EQ(warm.WaitFor(1).size(), 1u);  // one idle pooled connection now

  Results expired;
  Results again;
  client_.Send(Request(server.port(), "/expired", "", std::chrono::milliseconds(0)),
               [&](ClientResult r) {
                 expired.Slot()(std::move(r));
                 client_.Send(Request(server.port(), "/again"), again.Slot());
               });
  const auto got = again.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].ok_2xx()) << got[0].ec.message();
  EXPECT_EQ(got[0].body, "/again");
  EXPECT_EQ(expired.Get().at(0).ec, boost::asio::error::timed_out);
  // A warm-up answered after "/again" proves the server read everything the client wrote.
  Results last;
  client_.Send(Request(server.port(), "/last"), last.Slot());
  ASSERT_EQ(last.WaitFor(1).size(), 1u);
  EXPECT_EQ(last.Get()[0].body, "/last");
  EXPECT_EQ(CountTarget(server.seen(), "/again"), 1u);
  EXPECT_EQ(CountTarget(server.seen(), "/expired"), 0u);
}

// Shutdown returns only after every pending call (in flight or waiting) completed.
TEST_F(ClientTest, ShutdownCompletesEveryPendingCallBeforeReturning) {
  TestServer server([](const SeenRequest&, int) { return kNoAnswer; });
  Results results;
  constexpr size_t kCalls = 8 * 16 + 20;  // all connections full, 20 waiting in the queue
  for (size_t i = 0; i < kCalls; ++i) {
    client_.Send(Request(server.port(), "/x", "", std::chrono::seconds(60)), results.Slot());
  }
  client_.Shutdown();
  const auto got = results.Get();  // no waiting: Shutdown has returned
  ASSERT_EQ(got.size(), kCalls);
  for (const ClientResult& r : got) EXPECT_EQ(r.ec, boost::asio::error::operation_aborted);
  client_.Send(Request(server.port(), "/late"), results.Slot());
  EXPECT_EQ(results.WaitFor(kCalls + 1).back().ec, boost::asio::error::operation_aborted);
}

// The I/O thread is gone before Shutdown (the context stopped): the pending calls still
// complete, on the caller.
TEST(ClientStoppedContextTest, ShutdownAfterTheContextStoppedStillCompletesPendingCalls) {
  TestServer server([](const SeenRequest&, int) { return kNoAnswer; });
  boost::asio::io_context ioc;
  auto work = boost::asio::make_work_guard(ioc);
  std::thread thread([&] { ioc.run(); });
  HttpClient client(ioc, "client-test");
  Results results;
  for (int i = 0; i < 3; ++i) {
    client.Send(Request(server.port(), "/x", "", std::chrono::seconds(60)), results.Slot());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server.seen().size() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ioc.stop();
  thread.join();
  EXPECT_TRUE(results.Get().empty());
  client.Shutdown();
  ASSERT_EQ(results.Get().size(), 3u);
  for (const ClientResult& r : results.Get()) {
    EXPECT_EQ(r.ec, boost::asio::error::operation_aborted);
  }
}

// A per-peer cap of 4 MiB: three 1 MiB requests held by a peer that never answers fit, the rest
// fail at once; once the held ones time out their bytes are free again.
class ByteCapTest : public ClientTest {
 protected:
  ByteCapTest() : ClientTest(4 << 20) {}
};

TEST_F(ByteCapTest, RequestsBeyondThePeersByteCapFailAtOnce) {
  TestServer server([](const SeenRequest&, int) { return kNoAnswer; });
  const std::string mib(1 << 20, 'b');
  Results results;
  for (int i = 0; i < 10; ++i) {
    client_.Send(Request(server.port(), "/big", mib, std::chrono::milliseconds(500)),
                 results.Slot());
  }
  const auto got = results.WaitFor(10);
  ASSERT_EQ(got.size(), 10u);
  size_t refused = 0;
  size_t timed_out = 0;
  for (const ClientResult& r : got) {
    refused += r.ec == boost::asio::error::no_buffer_space ? 1 : 0;
    timed_out += r.ec == boost::asio::error::timed_out ? 1 : 0;
  }
  EXPECT_EQ(refused, 7u);
  EXPECT_EQ(timed_out, 3u);
  Results after;
  client_.Send(Request(server.port(), "/big", mib, std::chrono::milliseconds(200)), after.Slot());
  ASSERT_EQ(after.WaitFor(1).size(), 1u);
  EXPECT_EQ(after.Get()[0].ec, boost::asio::error::timed_out);  // accepted, not refused
}

// DropPool (the peer was evicted) releases everything held for the peer at once: its calls
// complete with operation_aborted long before their 60 s timeout, and its connections close.
TEST_F(ClientTest, DropPoolReleasesThePeersCallsAndConnections) {
  TestServer server(
      [](const SeenRequest& r, int) { return r.target == "/hang" ? kNoAnswer : Answer(r.target); });
  Results results;
  for (int i = 0; i < 5; ++i) {
    client_.Send(Request(server.port(), "/hang", "", std::chrono::seconds(60)), results.Slot());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server.seen().size() < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  client_.DropPool("127.0.0.1", server.port());
  const auto got = results.WaitFor(5);
  ASSERT_EQ(got.size(), 5u);
  for (const ClientResult& r : got) EXPECT_EQ(r.ec, boost::asio::error::operation_aborted);
  // The peer is usable again afterwards, on a fresh pool.
  Results again;
  client_.Send(Request(server.port(), "/back"), again.Slot());
  ASSERT_EQ(again.WaitFor(1).size(), 1u);
  EXPECT_EQ(again.Get()[0].body, "/back");
}

}  // namespace
}  // namespace repram::http
