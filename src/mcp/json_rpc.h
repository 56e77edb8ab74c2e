#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace repram::mcp {

// JSON DOM used throughout the module; ordered so that replies keep the member order of the spec.
using Json = nlohmann::ordered_json;

// JSON-RPC 2.0 error codes used by the MCP server (mcp.md §1).
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;

// One well-formed incoming JSON-RPC message.
struct JsonRpcMessage {
  enum class Kind { kRequest, kNotification, kResponse };
  Kind kind = Kind::kNotification;
  Json id;             // kRequest and kResponse: the id (string, number or null)
  std::string method;  // kRequest and kNotification
  Json params;         // null when absent
};

// A message that must be answered with a JSON-RPC error instead of being dispatched.
struct JsonRpcError {
  int code = kInvalidRequest;
  std::string message;
  Json id;  // the request's id when it could be read, else null
};

// Parses one message text (mcp.md §1): invalid JSON -> -32700 "Parse error"; an array ->
// -32600 "Batch requests are not supported"; a non-object, `jsonrpc` != "2.0", a non-string
// `method`, an id that is not a string/number/null, or an object that is neither a request, a
// notification nor a response -> -32600 "Invalid Request".
std::variant<JsonRpcMessage, JsonRpcError> ParseJsonRpc(std::string_view text);

// Returns the compact text of {"jsonrpc":"2.0","id":id,"result":result}.
std::string SerializeResult(const Json& id, Json result);

// Returns the compact text of {"jsonrpc":"2.0","id":id,"error":{"code":code,"message":message}}.
std::string SerializeError(const Json& id, int code, std::string_view message);

// Returns the compact text of the error reply for `error`.
std::string SerializeError(const JsonRpcError& error);

// Serializes j on one line (no raw newlines); invalid UTF-8 in strings becomes U+FFFD.
std::string DumpCompact(const Json& j);

// Serializes j with a 2-space indent; invalid UTF-8 in strings becomes U+FFFD.
std::string DumpIndented(const Json& j);

}  // namespace repram::mcp
