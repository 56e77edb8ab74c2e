#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/client.h"
#include "util/mutex.h"

namespace repram::http::testing {

// Runs an HttpClient on its own io_context thread and collects results.
class ClientTest : public ::testing::Test {
 protected:
  explicit ClientTest(size_t max_peer_bytes = kDefaultMaxPeerBytes)
      : work_(ioc_.get_executor()),
        client_(std::vector<boost::asio::io_context*>{&ioc_}, "client-test", max_peer_bytes) {
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

}  // namespace repram::http::testing
