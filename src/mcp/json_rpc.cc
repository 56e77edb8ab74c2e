#include "mcp/json_rpc.h"

#include <utility>

#include "util/json_depth.h"

namespace repram::mcp {
namespace {

bool IsValidId(const Json& id) { return id.is_string() || id.is_number() || id.is_null(); }

JsonRpcError InvalidRequest(Json id) {
  return JsonRpcError{kInvalidRequest, "Invalid Request", std::move(id)};
}

}  // namespace

std::variant<JsonRpcMessage, JsonRpcError> ParseJsonRpc(std::string_view text) {
  // Nesting is bounded before a tree is built; allow_exceptions = false: a parse failure yields
  // a discarded value instead of throwing.
  if (!JsonDepthWithin(text)) return JsonRpcError{kParseError, "Parse error", nullptr};
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return JsonRpcError{kParseError, "Parse error", nullptr};
  if (doc.is_array()) {
    return JsonRpcError{kInvalidRequest, "Batch requests are not supported", nullptr};
  }
  if (!doc.is_object()) return InvalidRequest(nullptr);

  const auto id_it = doc.find("id");
  const bool has_id = id_it != doc.end();
  if (has_id && !IsValidId(*id_it)) return InvalidRequest(nullptr);
  Json id = has_id ? *id_it : Json(nullptr);

  const auto version_it = doc.find("jsonrpc");
  if (version_it == doc.end() || *version_it != "2.0") return InvalidRequest(std::move(id));

  JsonRpcMessage msg;
  const auto method_it = doc.find("method");
  if (method_it == doc.end()) {
    if (has_id && (doc.contains("result") || doc.contains("error"))) {
      msg.kind = JsonRpcMessage::Kind::kResponse;
      msg.id = std::move(id);
      return msg;
    }
    return InvalidRequest(std::move(id));
  }
  if (!method_it->is_string()) return InvalidRequest(std::move(id));
  msg.kind = has_id ? JsonRpcMessage::Kind::kRequest : JsonRpcMessage::Kind::kNotification;
  msg.id = std::move(id);
  msg.method = method_it->get<std::string>();
  if (const auto params_it = doc.find("params"); params_it != doc.end()) {
    msg.params = std::move(*params_it);
  }
  return msg;
}

std::string SerializeResult(const Json& id, Json result) {
  Json reply = {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
  return DumpCompact(reply);
}

std::string SerializeError(const Json& id, int code, std::string_view message) {
  Json reply = {{"jsonrpc", "2.0"},
                {"id", id},
                {"error", {{"code", code}, {"message", std::string(message)}}}};
  return DumpCompact(reply);
}

std::string SerializeError(const JsonRpcError& error) {
  return SerializeError(error.id, error.code, error.message);
}

std::string DumpCompact(const Json& j) {
  return j.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

std::string DumpIndented(const Json& j) {
  return j.dump(2, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

}  // namespace repram::mcp
