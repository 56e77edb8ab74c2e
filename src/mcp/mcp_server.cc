#include "mcp/mcp_server.h"

#include <spdlog/spdlog.h>

#include <utility>
#include <variant>

#include "mcp/protocol_version.h"
#include "mcp/tool_calls.h"

#ifndef REPRAM_MCP_SERVER_VERSION
#error "REPRAM_MCP_SERVER_VERSION must be defined by the build (the project version)"
#endif

namespace repram::mcp {

std::string McpSession::protocol_version() const {
  MutexLock lock(mu_);
  return protocol_version_;
}

bool McpSession::initialized() const {
  MutexLock lock(mu_);
  return initialized_;
}

McpServer::McpServer(NodeApi& node, TtlBounds ttl)
    : node_(node), tools_list_(ToolListResult(ttl)) {}

bool McpServer::HandleText(std::string_view text, McpSession& session, Reply reply) const {
  std::variant<JsonRpcMessage, JsonRpcError> parsed = ParseJsonRpc(text);
  if (const auto* error = std::get_if<JsonRpcError>(&parsed)) {
    spdlog::debug("mcp: rejected message: {}", error->message);
    reply(SerializeError(*error));
    return true;
  }
  const auto& message = std::get<JsonRpcMessage>(parsed);
  HandleMessage(message, session, std::move(reply));
  return message.kind == JsonRpcMessage::Kind::kRequest;
}

void McpServer::HandleMessage(const JsonRpcMessage& message, McpSession& session,
                              Reply reply) const {
  using Kind = JsonRpcMessage::Kind;
  if (message.kind == Kind::kResponse) return;
  if (message.kind == Kind::kNotification) {
    spdlog::debug("mcp: notification {}", message.method);
    if (message.method == "notifications/initialized") {
      MutexLock lock(session.mu_);
      session.initialized_ = true;
    }
    return;
  }
  spdlog::debug("mcp: request {}", message.method);
  if (message.method == "initialize") return HandleInitialize(message, session, reply);
  if (message.method == "ping") return reply(SerializeResult(message.id, Json::object()));
  if (message.method == "tools/list") return reply(SerializeResult(message.id, tools_list_));
  if (message.method == "tools/call") return HandleToolsCall(message, std::move(reply));
  reply(SerializeError(message.id, kMethodNotFound, "Method not found"));
}

void McpServer::HandleInitialize(const JsonRpcMessage& message, McpSession& session,
                                 const Reply& reply) const {
  std::string requested;
  if (message.params.is_object()) {
    const auto it = message.params.find("protocolVersion");
    if (it != message.params.end() && it->is_string()) requested = it->get<std::string>();
  }
  const std::string version = NegotiateProtocolVersion(requested);
  {
    MutexLock lock(session.mu_);
    session.protocol_version_ = version;
  }
  Json result = {{"protocolVersion", version},
                 {"capabilities", {{"tools", {{"listChanged", false}}}}},
                 {"serverInfo", {{"name", "repram"}, {"version", REPRAM_MCP_SERVER_VERSION}}}};
  reply(SerializeResult(message.id, std::move(result)));
}

void McpServer::HandleToolsCall(const JsonRpcMessage& message, Reply reply) const {
  static const Json kNoArguments = Json::object();
  const Json& params = message.params;  // find() on a non-object yields end()
  const auto name = params.find("name");
  if (name == params.end() || !name->is_string()) {
    return reply(SerializeError(message.id, kInvalidParams, "Invalid params"));
  }
  const Json* arguments = &kNoArguments;
  if (const auto it = params.find("arguments"); it != params.end()) {
    if (!it->is_object()) {
      return reply(SerializeError(message.id, kInvalidParams, "Invalid params"));
    }
    arguments = &*it;
  }
  const auto& tool = name->get_ref<const std::string&>();
  if (!IsKnownTool(tool)) {
    return reply(SerializeError(message.id, kInvalidParams, "Unknown tool: " + tool));
  }
  CallTool(node_, tool, *arguments, [id = message.id, reply = std::move(reply)](Json result) {
    reply(SerializeResult(id, std::move(result)));
  });
}

}  // namespace repram::mcp
