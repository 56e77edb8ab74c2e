#include "tree/frame.h"

#include <nlohmann/json.hpp>

#include "cluster/hmac.h"
#include "util/json_depth.h"
#include "util/json_writer.h"

namespace repram::tree {
namespace {

constexpr std::string_view kNames[] = {"put",           "ack",   "ping",    "pong",
                                       "topology_sync", "hello", "welcome", "goodbye"};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A cursor over JSON text that the parser already accepted, so it only needs to find
// boundaries: it never validates. Hand-written because nlohmann's parser reports no byte offsets.
class SpanScanner {
 public:
  explicit SpanScanner(std::string_view text) : text_(text) {}

  // Returns the raw span of the last top-level member named `name` (its value, whitespace
  // excluded), or nullopt (also when the text is not an object). REQUIRES: text is one valid
  // JSON value.
  std::optional<std::string_view> FindMember(std::string_view name) {
    std::optional<std::string_view> found;
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // the parser skips a UTF-8 BOM too
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '{') return std::nullopt;
    ++pos_;  // '{'
    SkipSpace();
    while (pos_ < text_.size() && text_[pos_] != '}') {
      const std::string_view key = SkipValue();
      SkipSpace();
      ++pos_;  // ':'
      SkipSpace();
      const std::string_view value = SkipValue();
      if (KeyEquals(key, name)) found = value;
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
      SkipSpace();
    }
    return found;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }
  // Skips one value starting at pos_ and returns its span.
  std::string_view SkipValue() {
    const size_t start = pos_;
    int depth = 0;
    bool in_string = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (in_string) {
        if (c == '\\') {
          ++pos_;
        } else if (c == '"') {
          in_string = false;
          if (depth == 0) break;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {  // end of the enclosing object: not part of a scalar
          --pos_;
          break;
        }
        if (--depth == 0) break;
      } else if (depth == 0 && (c == ',' || c == ':' || IsSpace(c))) {
        --pos_;
        break;
      }
    }
    return text_.substr(start, pos_ - start);
  }
  static bool KeyEquals(std::string_view quoted, std::string_view name) {
    if (quoted.find('\\') == std::string_view::npos) {
      return quoted.size() == name.size() + 2 && quoted.substr(1, name.size()) == name;
    }
    const nlohmann::json key = nlohmann::json::parse(quoted, nullptr, false);
    return key.is_string() && key.get_ref<const std::string&>() == name;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Returns the string a valid JSON value's span holds, or nullopt when it is not a string.
std::optional<std::string> StringValue(std::string_view span) {
  if (!span.starts_with('"')) return std::nullopt;
  if (span.find('\\') == std::string_view::npos) {
    return std::string(span.substr(1, span.size() - 2));
  }
  const nlohmann::json value = nlohmann::json::parse(span, nullptr, /*allow_exceptions=*/false);
  if (!value.is_string()) return std::nullopt;
  return value.get<std::string>();
}

}  // namespace

FrameType FrameTypeOf(std::string_view name) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) return static_cast<FrameType>(i);
  }
  return FrameType::kOther;
}

std::string_view FrameTypeName(FrameType type) {
  const auto index = static_cast<size_t>(type);
  return index < std::size(kNames) ? kNames[index] : std::string_view();
}

FrameType FrameTypeForGossip(cluster::MessageType type) {
  switch (type) {
    case cluster::MessageType::kPut:
      return FrameType::kPut;
    case cluster::MessageType::kAck:
      return FrameType::kAck;
    case cluster::MessageType::kPing:
      return FrameType::kPing;
    case cluster::MessageType::kPong:
      return FrameType::kPong;
    case cluster::MessageType::kSync:
      return FrameType::kTopologySync;
    case cluster::MessageType::kOther:
      break;
  }
  return FrameType::kOther;
}

std::string EncodeFrame(FrameType type, std::string_view payload, std::string_view secret) {
  JsonWriter w;
  w.BeginObject().String("type", FrameTypeName(type));
  if (!secret.empty()) w.String("signature", cluster::SignBody(secret, payload));
  w.Raw("payload", payload).EndObject();
  return w.Take();
}

FrameCheck DecodeFrame(std::string_view text, std::string_view secret, ReceivedFrame& out) {
  if (!JsonDepthWithin(text)) return FrameCheck::kMalformed;  // before the parser recurses
  // Validated without building a DOM: the receiver parses the payload itself, so a DOM of the
  // whole frame would parse every payload twice. The members are then located by span.
  if (!nlohmann::json::accept(text)) return FrameCheck::kMalformed;
  const std::optional<std::string_view> type = SpanScanner(text).FindMember("type");
  const std::optional<std::string_view> span = SpanScanner(text).FindMember("payload");
  std::optional<std::string> type_name;
  if (type) type_name = StringValue(*type);
  if (!type_name || !span || !span->starts_with('{')) return FrameCheck::kMalformed;
  if (!secret.empty()) {
    const std::optional<std::string_view> signature = SpanScanner(text).FindMember("signature");
    std::optional<std::string> hex;
    if (signature) hex = StringValue(*signature);
    if (!hex || cluster::VerifyBody(secret, *span, *hex) != cluster::SignatureCheck::kOk) {
      return FrameCheck::kBadSignature;
    }
  }
  out.type_name = std::move(*type_name);
  out.type = FrameTypeOf(out.type_name);
  out.payload = *span;
  return FrameCheck::kOk;
}

}  // namespace repram::tree
