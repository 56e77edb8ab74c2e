#pragma once

#include <chrono>
#include <cstddef>
#include <istream>
#include <memory>
#include <ostream>

#include "mcp/mcp_server.h"

namespace repram::mcp {

// Knobs of the stdio transport.
struct StdioOptions {
  // Longest accepted line (mcp.md §3: 16 MiB); a longer line is answered with -32700.
  size_t max_line_bytes = 16 * 1024 * 1024;
  // How long Run waits at EOF for requests still in flight before returning.
  std::chrono::milliseconds drain_timeout{10'000};
};

// MCP over newline-delimited JSON-RPC on a pair of streams (`repram mcp`, mcp.md §3). Run reads
// lines on the calling thread and hands each to the McpServer; replies (which may arrive on
// NodeApi threads, in any order) are written as one line each, serialized by a mutex and flushed.
// Nothing but JSON-RPC is ever written to `out`; logging must go to stderr (the caller configures
// spdlog accordingly). Blank lines are skipped.
//
// Thread-safety: Run on one thread; Drain from any thread. Replies arriving after Drain returned
// are dropped, so `out` may be destroyed once Run/Drain returned even if the NodeApi still holds
// callbacks.
class StdioTransport {
 public:
  // REQUIRES: server outlives Run; out outlives Run and Drain.
  StdioTransport(const McpServer& server, std::ostream& out, StdioOptions options = {});
  ~StdioTransport();
  StdioTransport(const StdioTransport&) = delete;
  StdioTransport& operator=(const StdioTransport&) = delete;

  // Serves lines from in until EOF, then drains (options.drain_timeout). Returns the process exit
  // code: 0.
  int Run(std::istream& in);

  // Waits until no request is in flight or timeout passed, then stops writing. Returns true when
  // every request was answered. Use it for SIGTERM/SIGINT, which end like EOF (mcp.md §3).
  bool Drain(std::chrono::milliseconds timeout);

 private:
  struct Output;
  const McpServer& server_;
  const StdioOptions options_;
  McpSession session_;
  std::shared_ptr<Output> output_;
};

}  // namespace repram::mcp
