#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "mcp/json_rpc.h"
#include "mcp/node_api.h"
#include "mcp/tool_catalog.h"
#include "util/mutex.h"

namespace repram::mcp {

// Per-connection protocol state: what the client negotiated. The stdio transport keeps one for
// the whole process; the stateless HTTP transport uses a fresh one per request. Requests are
// served whether or not initialize happened (mcp.md §1), so the state is informational (logs,
// tests). Thread-safe.
class McpSession {
 public:
  // Returns the version answered to the last initialize; empty before any.
  std::string protocol_version() const;
  // Returns true once notifications/initialized has arrived.
  bool initialized() const;

 private:
  friend class McpServer;
  mutable Mutex mu_;
  std::string protocol_version_ GUARDED_BY(mu_);
  bool initialized_ GUARDED_BY(mu_) = false;
};

// The transport-independent MCP protocol core (mcp.md §1, §2): takes one JSON-RPC message and
// produces at most one reply text (compact JSON, no newline). Requests are handled concurrently:
// a tools/call replies when the NodeApi completes, so replies may come out of request order and
// on the NodeApi's thread. Notifications and client responses are never answered.
// Thread-safe: no mutable state after construction; node must be thread-safe and outlive it.
class McpServer {
 public:
  // Called once with the serialized reply, possibly on another thread.
  using Reply = std::function<void(std::string)>;

  // REQUIRES: node outlives the server. ttl is advertised in the repram_store schema.
  McpServer(NodeApi& node, TtlBounds ttl);

  // Parses text and handles it: malformed input is answered with -32700/-32600 (id null unless
  // readable); see HandleMessage for the rest. Returns true when reply will be called (exactly
  // once), false when the message gets no reply. session is used only before this returns.
  [[nodiscard]] bool HandleText(std::string_view text, McpSession& session, Reply reply) const;

  // Handles a parsed message: initialize, ping, tools/list, tools/call, -32601 for other
  // requests; notifications and responses are consumed silently (reply is not called).
  // session is used only before this returns.
  void HandleMessage(const JsonRpcMessage& message, McpSession& session, Reply reply) const;

 private:
  void HandleInitialize(const JsonRpcMessage& message, McpSession& session,
                        const Reply& reply) const;
  void HandleToolsCall(const JsonRpcMessage& message, Reply reply) const;

  NodeApi& node_;
  const Json tools_list_;  // the tools/list result, built once
};

}  // namespace repram::mcp
