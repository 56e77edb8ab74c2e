#include "mcp/stdio_transport.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <string>
#include <utility>

#include "mcp/json_rpc.h"
#include "util/mutex.h"
#include "util/strings.h"

namespace repram::mcp {

// Shared between the transport and reply callbacks that may outlive it.
struct StdioTransport::Output {
  Mutex mu;
  CondVar idle;
  std::ostream* out GUARDED_BY(mu);  // nullptr once drained
  size_t in_flight GUARDED_BY(mu) = 0;

  explicit Output(std::ostream& o) : out(&o) {}

  void Write(const std::string& line) {
    MutexLock lock(mu);
    if (out == nullptr) return;
    *out << line << '\n';
    out->flush();
    if (!*out) {  // the reader closed stdout (EPIPE): keep serving, drop the replies
      spdlog::warn("mcp: stdout is closed; further replies are dropped");
      out = nullptr;
    }
  }
};

namespace {

// Reads one '\n'-terminated line into line (without the '\n'). Lines longer than max are not
// kept: too_long is set and the rest of the line is skipped. Returns false at EOF with nothing
// read. Reads in chunks so that an endless line cannot exhaust memory.
bool ReadLine(std::istream& in, size_t max, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  std::array<char, 64 * 1024> buf;
  bool got_any = false;
  while (true) {
    in.getline(buf.data(), buf.size());
    const auto n = static_cast<size_t>(in.gcount());
    got_any = got_any || n > 0;
    const bool complete = !in.fail();  // the delimiter was extracted
    const size_t chars = complete && !in.eof() ? n - 1 : n;
    if (!too_long) {
      if (line.size() + chars > max) {
        too_long = true;
        line.clear();
      } else {
        line.append(buf.data(), chars);
      }
    }
    if (complete && !in.eof()) return true;
    if (in.eof()) return got_any;
    in.clear();  // buffer full: the line continues
  }
}

}  // namespace

StdioTransport::StdioTransport(const McpServer& server, std::ostream& out, StdioOptions options)
    : server_(server), options_(options), output_(std::make_shared<Output>(out)) {}

StdioTransport::~StdioTransport() {
  MutexLock lock(output_->mu);
  output_->out = nullptr;
}

int StdioTransport::Run(std::istream& in) {
  std::string line;
  bool too_long = false;
  while (ReadLine(in, options_.max_line_bytes, line, too_long)) {
    if (too_long) {
      spdlog::warn("mcp: input line longer than {} bytes rejected", options_.max_line_bytes);
      output_->Write(SerializeError(nullptr, kParseError, "Parse error"));
      continue;
    }
    if (TrimSpace(line).empty()) continue;
    {
      MutexLock lock(output_->mu);
      ++output_->in_flight;
    }
    // Settles the in-flight count exactly once: on the reply, or when no reply will come.
    auto settled = std::make_shared<std::atomic<bool>>(false);
    auto settle = [output = output_, settled] {
      if (settled->exchange(true)) return;
      MutexLock lock(output->mu);
      if (--output->in_flight == 0) output->idle.NotifyAll();
    };
    try {
      const bool will_reply =
          server_.HandleText(line, session_, [output = output_, settle](const std::string& reply) {
            output->Write(reply);
            settle();
          });
      if (!will_reply) settle();
    } catch (const std::exception& e) {  // last resort: keep serving the other lines
      spdlog::error("mcp: failed to handle a message: {}", e.what());
      settle();
    }
  }
  Drain(options_.drain_timeout);
  return 0;
}

bool StdioTransport::Drain(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(output_->mu);
  while (output_->in_flight > 0) {
    if (!output_->idle.WaitUntil(output_->mu, deadline)) break;
  }
  const bool drained = output_->in_flight == 0;
  if (!drained) {
    spdlog::warn("mcp: {} request(s) still in flight at shutdown", output_->in_flight);
  }
  output_->out = nullptr;
  return drained;
}

}  // namespace repram::mcp
