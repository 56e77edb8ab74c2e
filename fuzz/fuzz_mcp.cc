// Fuzzes the MCP JSON-RPC dispatcher and the tools' argument validation (mcp.md): one message
// per input through McpServer::HandleText, over the in-memory NodeApi double (the node side is
// not under test; the parsing, dispatch and validation are the production code).
#include <cstdint>
#include <string>
#include <string_view>

#include "mcp/fake_node_api.h"
#include "mcp/mcp_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static repram::FakeClock clock;
  static repram::mcp::FakeNodeApi node(clock);
  static const repram::mcp::McpServer server(node, repram::TtlBounds{});
  repram::mcp::McpSession session;
  std::string reply;
  (void)server.HandleText(std::string_view(reinterpret_cast<const char*>(data), size), session,
                          [&reply](std::string r) { reply = std::move(r); });
  return 0;
}
