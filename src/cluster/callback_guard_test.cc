#include "cluster/callback_guard.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <thread>

namespace repram::cluster {
namespace {

TEST(CallbackGuardTest, WrappedCallbackRunsWhileOpenAndNotAfterClose) {
  CallbackGuard guard;
  int calls = 0;
  auto fn = guard.Wrap([&](int add) { calls += add; });
  fn(2);
  EXPECT_EQ(calls, 2);
  guard.Close();
  EXPECT_TRUE(guard.closed());
  fn(5);
  EXPECT_EQ(calls, 2);
}

TEST(CallbackGuardTest, WrappedCallbackOutlivesTheGuardSafely) {
  std::function<void()> fn;
  int calls = 0;
  {
    CallbackGuard guard;
    fn = guard.Wrap([&] { ++calls; });
  }
  fn();
  EXPECT_EQ(calls, 0);
}

TEST(CallbackGuardTest, CloseWaitsForACallbackRunningOnAnotherThread) {
  CallbackGuard guard;
  std::promise<void> entered;
  std::promise<void> release;
  std::atomic<bool> finished{false};
  auto fn = guard.Wrap([&] {
    entered.set_value();
    release.get_future().wait();
    finished = true;
  });
  std::thread runner(fn);
  entered.get_future().wait();
  std::atomic<bool> close_returned{false};
  std::thread closer([&] {
    guard.Close();
    close_returned = true;
  });
  while (!guard.closed()) std::this_thread::yield();
  EXPECT_FALSE(close_returned);  // blocked: the callback is still running
  release.set_value();
  closer.join();
  EXPECT_TRUE(finished);
  runner.join();
}

TEST(CallbackGuardTest, CloseFromInsideACallbackDoesNotDeadlock) {
  CallbackGuard guard;
  bool ran = false;
  auto fn = guard.Wrap([&] {
    guard.Close();
    ran = true;
  });
  fn();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(guard.closed());
}

}  // namespace
}  // namespace repram::cluster
