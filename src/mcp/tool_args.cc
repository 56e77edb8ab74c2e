#include "mcp/tool_args.h"

#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include "util/base64.h"
#include "util/limits.h"

namespace repram::mcp {
namespace {

constexpr std::string_view kKeyProblem = "key: must be 1..8192 bytes without '/'";

Status Invalid(std::string_view message) {
  return Status(StatusCode::kInvalidArgument, std::string(message));
}

// Returns the value of a JSON number with an integral value (600 and 600.0, not 600.5), saturated
// to the int64 range; nullopt for anything else.
std::optional<int64_t> IntegralValue(const Json& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<int64_t>();
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    return u > kMax ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(u);
  }
  if (!v.is_number_float()) return std::nullopt;
  const double d = v.get<double>();
  if (!std::isfinite(d) || std::trunc(d) != d) return std::nullopt;
  constexpr double kTwo63 = 9223372036854775808.0;
  if (d >= kTwo63) return std::numeric_limits<int64_t>::max();
  if (d < -kTwo63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// Reads the required "key" argument.
Result<std::string> RequiredKey(const Json& args) {
  const auto it = args.find("key");
  if (it == args.end()) return Invalid("key: required string");
  if (!it->is_string() || !IsValidKey(it->get_ref<const std::string&>())) {
    return Invalid(kKeyProblem);
  }
  return it->get<std::string>();
}

// Reads the optional "encoding" argument.
Result<Encoding> OptionalEncoding(const Json& args) {
  const auto it = args.find("encoding");
  if (it == args.end()) return Encoding::kUtf8;
  if (*it == "utf8") return Encoding::kUtf8;
  if (*it == "base64") return Encoding::kBase64;
  return Invalid(R"(encoding: must be "utf8" or "base64")");
}

// Reads an optional string argument; absent = "".
Result<std::string> OptionalString(const Json& args, std::string_view name) {
  const auto it = args.find(name);
  if (it == args.end()) return std::string();
  if (!it->is_string()) return Invalid(std::string(name) + ": expected string");
  return it->get<std::string>();
}

}  // namespace

Result<StoreArgs> ParseStoreArgs(const Json& args) {
  StoreArgs out;
  const auto data = args.find("data");
  if (data == args.end() || !data->is_string()) return Invalid("data: required string");

  if (const auto ttl = args.find("ttl_seconds"); ttl != args.end()) {
    out.ttl_seconds = IntegralValue(*ttl);
    if (!out.ttl_seconds) return Invalid("ttl_seconds: expected integer");
  }
  if (const auto key = args.find("key"); key != args.end()) {
    if (!key->is_string() || !IsValidKey(key->get_ref<const std::string&>())) {
      return Invalid(kKeyProblem);
    }
    out.key = key->get<std::string>();
  }
  const Result<Encoding> encoding = OptionalEncoding(args);
  if (!encoding.ok()) return encoding.status();

  const auto& text = data->get_ref<const std::string&>();
  if (*encoding == Encoding::kBase64) {
    std::optional<std::string> decoded = DecodeBase64Strict(text);
    if (!decoded) return Invalid("data: invalid base64");
    out.value = std::move(*decoded);
  } else {
    out.value = text;
  }
  if (out.value.size() > kMaxValueBytes) return Invalid("data: larger than 10485760 bytes");
  return out;
}

Result<RetrieveArgs> ParseRetrieveArgs(const Json& args) {
  Result<std::string> key = RequiredKey(args);
  if (!key.ok()) return key.status();
  const Result<Encoding> encoding = OptionalEncoding(args);
  if (!encoding.ok()) return encoding.status();
  return RetrieveArgs{std::move(key).value(), *encoding};
}

Result<ExistsArgs> ParseExistsArgs(const Json& args) {
  Result<std::string> key = RequiredKey(args);
  if (!key.ok()) return key.status();
  return ExistsArgs{std::move(key).value()};
}

Result<ListKeysArgs> ParseListKeysArgs(const Json& args) {
  ListKeysArgs out;
  Result<std::string> prefix = OptionalString(args, "prefix");
  if (!prefix.ok()) return prefix.status();
  out.prefix = std::move(prefix).value();
  Result<std::string> cursor = OptionalString(args, "cursor");
  if (!cursor.ok()) return cursor.status();
  out.cursor = std::move(cursor).value();
  if (const auto limit = args.find("limit"); limit != args.end()) {
    const std::optional<int64_t> n = IntegralValue(*limit);
    if (!n) return Invalid("limit: expected integer");
    if (*n < 1 || *n > kMaxListLimit) return Invalid("limit: must be 1..10000");
    out.limit = *n;
  }
  return out;
}

}  // namespace repram::mcp
