#include "http/client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/testing/client_fixture.h"
#include "http/testing/raw_http_server.h"

namespace repram::http {
namespace {

using testing::Answer;
using testing::Behaviour;
using testing::ClientTest;
using testing::kNoAnswer;
using testing::SeenRequest;
using testing::TestServer;

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
