#include "mcp/http_endpoint.h"

#include <variant>

#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"

namespace repram::mcp {
namespace {

McpHttpResponse JsonResponse(unsigned status, std::string json) {
  json.push_back('\n');
  return {status, {{"Content-Type", "application/json"}}, std::move(json)};
}

}  // namespace

void McpHttpEndpoint::Handle(const McpHttpRequest& request, Done done) const {
  if (request.method != "POST") {
    return done({405,
                 {{"Content-Type", "text/plain; charset=utf-8"}, {"Allow", "POST, OPTIONS"}},
                 "Method not allowed\n"});
  }
  if (request.protocol_version && !IsSupportedProtocolVersion(*request.protocol_version)) {
    return done(JsonResponse(
        400, SerializeError(nullptr, kInvalidRequest,
                            "Unsupported MCP-Protocol-Version: " + *request.protocol_version)));
  }
  std::variant<JsonRpcMessage, JsonRpcError> parsed = ParseJsonRpc(request.body);
  if (const auto* error = std::get_if<JsonRpcError>(&parsed)) {
    return done(JsonResponse(400, SerializeError(*error)));
  }
  const auto& message = std::get<JsonRpcMessage>(parsed);
  McpSession session;  // stateless transport: nothing survives the request
  if (message.kind != JsonRpcMessage::Kind::kRequest) {
    server_.HandleMessage(message, session, [](const std::string&) {});
    return done({202, {}, {}});
  }
  server_.HandleMessage(message, session, [done = std::move(done)](std::string reply) {
    done(JsonResponse(200, std::move(reply)));
  });
}

}  // namespace repram::mcp
