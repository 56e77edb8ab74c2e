#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mcp/mcp_server.h"

namespace repram::mcp {

// What the endpoint needs of one HTTP request to /mcp. The body has been read completely within
// the route's 10 MiB limit. Accept, Content-Type and Mcp-Session-Id are deliberately not part of
// it: mcp.md §4 does not enforce Accept and ignores client session ids.
struct McpHttpRequest {
  std::string method;                           // "POST", "GET", ...
  std::optional<std::string> protocol_version;  // MCP-Protocol-Version; nullopt when absent
  std::string body;
};

// The answer; CORS and security headers are added by the HTTP server.
struct McpHttpResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Content-Type, Allow
  std::string body;
};

// The Streamable HTTP transport at /mcp (mcp.md §4), stateless: no Mcp-Session-Id is issued, a
// client-sent one is ignored, every POST is served with a fresh McpSession, replies are plain
// JSON (never SSE) and GET/DELETE get 405 because no server-initiated stream exists.
//   POST request                -> 200 application/json, reply + "\n"
//   POST notification/response  -> 202, empty body
//   POST invalid JSON           -> 400, -32700; array or invalid object -> 400, -32600
//   unsupported MCP-Protocol-Version -> 400, -32600 "Unsupported MCP-Protocol-Version: <v>"
//   any other method            -> 405 "Method not allowed\n", Allow: POST, OPTIONS
// (OPTIONS preflights are answered by the HTTP pipeline before the handler.)
// Thread-safe; server must outlive the endpoint and every pending completion.
class McpHttpEndpoint {
 public:
  // Called exactly once per request, possibly on another thread.
  using Done = std::function<void(McpHttpResponse)>;

  explicit McpHttpEndpoint(const McpServer& server) : server_(server) {}

  // Answers request through done (synchronously, or when the tool call completes).
  void Handle(const McpHttpRequest& request, Done done) const;

 private:
  const McpServer& server_;
};

}  // namespace repram::mcp
