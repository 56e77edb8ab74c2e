#include "http/io_pool.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace repram::http {

void RunLoggingExceptions(boost::asio::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
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

IoPool::IoPool(size_t threads) {
  for (size_t i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
}

IoPool::~IoPool() { Stop(); }

void IoPool::Start() {
  for (auto& ctx : contexts_) {
    threads_.emplace_back([c = ctx.get()] { RunLoggingExceptions(*c); });
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
