#pragma once

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace repram::trust::testing {

// Routes the default spdlog logger into memory for the lifetime of the object (test-only).
class LogCapture {
 public:
  LogCapture()
      : previous_(spdlog::default_logger()),
        sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000)) {
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Returns the lines logged so far as "<level> <message>", e.g. "warning Omega refresh: ...".
  std::vector<std::string> Lines() const { return sink_->last_formatted(); }
  // Returns whether some line equals "<level> <message>" exactly.
  bool Has(const std::string& line) const {
    const std::vector<std::string> lines = Lines();
    return std::any_of(lines.begin(), lines.end(), [&](std::string l) {
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
      return l == line;
    });
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

}  // namespace repram::trust::testing
