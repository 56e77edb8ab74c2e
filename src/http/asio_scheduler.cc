#include "http/asio_scheduler.h"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace repram::http {
namespace {

namespace asio = boost::asio;

struct TimerState {
  explicit TimerState(asio::io_context& ioc) : timer(ioc) {}
  asio::steady_timer timer;  // touched only on its context's thread
  std::atomic<bool> cancelled{false};
};

class AsioTask final : public Scheduler::Task {
 public:
  AsioTask(asio::io_context& ioc, std::shared_ptr<TimerState> state)
      : ioc_(ioc), state_(std::move(state)) {}
  ~AsioTask() override { Cancel(); }
  // Sets the cancelled flag, which the callback checks just before calling fn, and posts the
  // timer's cancellation so the callback is released now rather than at its deadline. Returns
  // at once and never waits for fn. Guarantees: fn does not start once the flag is visible to
  // the context's thread, so Cancel called on that thread (the only one running the context)
  // means fn never runs afterwards. Called from another thread, fn may be running, or may have
  // passed the check an instant before, and so may run or still be running after Cancel
  // returns; callers that cancel from another thread must make that harmless (CallbackGuard,
  // weak_ptr, or a lock the callback takes).
  void Cancel() override {
    if (state_->cancelled.exchange(true)) return;
    asio::post(ioc_, [s = state_] { s->timer.cancel(); });
  }

 private:
  asio::io_context& ioc_;
  std::shared_ptr<TimerState> state_;
};

}  // namespace

std::unique_ptr<Scheduler::Task> AsioScheduler::After(Duration d, std::function<void()> fn) {
  auto state = std::make_shared<TimerState>(ioc_);
  asio::post(ioc_, [state, d, fn = std::move(fn)]() mutable {
    if (state->cancelled) return;
    state->timer.expires_after(d);
    state->timer.async_wait([state, fn = std::move(fn)](boost::system::error_code ec) {
      if (!ec && !state->cancelled) fn();
    });
  });
  return std::make_unique<AsioTask>(ioc_, std::move(state));
}

}  // namespace repram::http
