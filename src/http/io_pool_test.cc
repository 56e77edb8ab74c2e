#include "http/io_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace repram::http {
namespace {

TEST(IoPoolTest, AThrowingHandlerIsLoggedAndTheThreadServesTheNextOne) {
  IoPool pool(1);
  pool.Start();
  std::atomic<int> ran{0};
  boost::asio::post(pool.context(0), [] { throw std::runtime_error("handler bug"); });
  boost::asio::post(pool.context(0), [] { throw 42; });
  boost::asio::post(pool.context(0), [&] { ++ran; });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ran.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // poll the condition
  }
  EXPECT_EQ(ran.load(), 1);
  pool.Stop();  // joins: the thread is still alive and stops cleanly
}

}  // namespace
}  // namespace repram::http
