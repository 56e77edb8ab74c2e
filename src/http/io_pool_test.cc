#include "http/io_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>

namespace repram::http {
namespace {

// Polls `done` for up to 10 s; returns its last value.
bool WaitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

class IoPoolSpinTest : public testing::TestWithParam<int> {};

// With and without spinning, and with a spin longer than the test: work posted from another
// thread, while the I/O thread idles, spins or blocks, is run; Stop() ends a spinning thread.
TEST_P(IoPoolSpinTest, RunsWorkPostedWhileIdleAndStopsPromptly) {
  IoPool pool(2, std::chrono::microseconds(GetParam()));
  pool.Start();
  std::atomic<int> ran{0};
  for (int round = 0; round < 50; ++round) {
    boost::asio::post(pool.context(round % 2), [&] { ++ran; });
    if (round % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let it idle
  }
  EXPECT_TRUE(WaitFor([&] { return ran.load() == 50; }));
  const auto stop_started = std::chrono::steady_clock::now();
  pool.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(5));
}

INSTANTIATE_TEST_SUITE_P(SpinWindows, IoPoolSpinTest, testing::Values(0, 200, 60000000));

TEST(IoPoolTest, TimersFireWhileTheThreadSpins) {
  IoPool pool(1, std::chrono::microseconds(60000000));
  pool.Start();
  std::atomic<bool> fired{false};
  boost::asio::steady_timer timer(pool.context(0), std::chrono::milliseconds(5));
  timer.async_wait([&](boost::system::error_code) { fired = true; });
  EXPECT_TRUE(WaitFor([&] { return fired.load(); }));
  pool.Stop();
}

TEST(IoPoolTest, AThrowingHandlerIsLoggedAndTheThreadServesTheNextOne) {
  IoPool pool(1);
  pool.Start();
  std::atomic<int> ran{0};
  boost::asio::post(pool.context(0), [] { throw std::runtime_error("handler bug"); });
  boost::asio::post(pool.context(0), [] { throw 42; });
  boost::asio::post(pool.context(0), [&] { ++ran; });
  EXPECT_TRUE(WaitFor([&] { return ran.load() == 1; }));
  pool.Stop();  // joins: the thread is still alive and stops cleanly
}

}  // namespace
}  // namespace repram::http
