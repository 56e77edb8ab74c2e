#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace repram::http {

// N single-threaded io_contexts, each run by its own thread (the Boost "io_context per thread"
// pattern): a connection lives on one context for its whole life, so its state needs no strand
// or lock. Context 0 also runs the acceptor and the node's timers. A thread that runs out of
// work spins for up to `spin` before it blocks (RunSpinningThenBlocking).
class IoPool {
 public:
  static constexpr std::chrono::microseconds kDefaultSpin{200};

  // REQUIRES: threads >= 1.
  explicit IoPool(size_t threads, std::chrono::microseconds spin = kDefaultSpin);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // Starts the threads. Returns at once.
  void Start();
  // Stops every context and joins the threads. Idempotent.
  void Stop();

  size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(size_t i) { return *contexts_[i]; }
  // Returns the next context in round-robin order (called only from the acceptor's context).
  size_t NextIndex() { return next_++ % contexts_.size(); }

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<WorkGuard> guards_;
  std::vector<std::thread> threads_;
  const std::chrono::microseconds spin_;
  size_t next_ = 0;
};

// Runs ioc until it is stopped. When no handler is ready, the thread keeps polling for up to
// `spin` (0 = never) before it blocks, but only while no other thread wants its core: it yields
// between polls and blocks as soon as a yield let another thread run.
void RunSpinningThenBlocking(boost::asio::io_context& ioc, std::chrono::microseconds spin);

// Runs ioc as RunSpinningThenBlocking does. An exception thrown by a handler is logged and the
// loop goes on with the next handler, so one faulty callback never ends an I/O thread.
void RunLoggingExceptions(boost::asio::io_context& ioc, std::chrono::microseconds spin);

}  // namespace repram::http
