#include "http/io_pool.h"

#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <exception>

#include "util/secure_wipe.h"

namespace repram::http {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Pause between two polls of a spin: events that arrive meanwhile are served in one batch.
constexpr auto kSpinGap = std::chrono::microseconds(5);

// How often the calling thread has been switched out while runnable; a sched_yield that let
// another thread run counts as one.
long InvoluntarySwitches() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_nivcsw;
}

void PauseFor(std::chrono::microseconds gap) {
  const auto until = SteadyClock::now() + gap;
  while (SteadyClock::now() < until) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

// Polls ioc for up to `spin` while this core would otherwise idle. Returns true when a handler
// ran; false when the window ended, the context stopped, or another thread wanted the core.
bool SpinForWork(boost::asio::io_context& ioc, std::chrono::microseconds spin) {
  const auto until = SteadyClock::now() + spin;
  const long switches = InvoluntarySwitches();
  while (!ioc.stopped() && SteadyClock::now() < until) {
    PauseFor(kSpinGap);
    sched_yield();
    if (InvoluntarySwitches() != switches) return false;
    if (ioc.poll() > 0) return true;
  }
  return false;
}

}  // namespace

// Why spin: when a thread blocks in epoll_wait its core halts, and on a VM waking a halted vCPU
// for the next request costs more than the request. With two I/O threads and the clients on
// two cores, blocking left 18 % of the CPU idle and cost a quarter of the throughput
// (bench/README, "Item 1: where the 2-thread time went"). A yield that hands the core to
// another thread ends the spin, so a busy machine loses almost nothing to it.
//
// Why wipe: a handler can leave a value's bytes in the stack below this loop (a frame's locals,
// vector registers spilled there), where later handlers may never reach again; before the thread
// sleeps it zeroes that stretch, so no value outlives its expiry there (README, "Expiry is
// destruction").
void RunSpinningThenBlocking(boost::asio::io_context& ioc, std::chrono::microseconds spin) {
  while (!ioc.stopped()) {
    if (ioc.poll() > 0 || (spin.count() > 0 && SpinForWork(ioc, spin))) continue;
    SecureWipeStack();
    ioc.run_one();
  }
}

void RunLoggingExceptions(boost::asio::io_context& ioc, std::chrono::microseconds spin) {
  for (;;) {
    try {
      RunSpinningThenBlocking(ioc, spin);
      return;  // stopped
    } catch (const std::exception& e) {
      // Asio lets a handler's exception leave run(); the context is intact and run() resumes
      // with the next handler. The throwing handler's own work is lost, not the thread's.
      spdlog::error("uncaught exception in an I/O thread handler: {}", e.what());
    } catch (...) {
      spdlog::error("uncaught non-standard exception in an I/O thread handler");
    }
  }
}

IoPool::IoPool(size_t threads, std::chrono::microseconds spin) : spin_(spin) {
  for (size_t i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
}

IoPool::~IoPool() { Stop(); }

void IoPool::Start() {
  for (auto& ctx : contexts_) {
    threads_.emplace_back([c = ctx.get(), spin = spin_] { RunLoggingExceptions(*c, spin); });
  }
}

void IoPool::Stop() {
  guards_.clear();
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace repram::http
