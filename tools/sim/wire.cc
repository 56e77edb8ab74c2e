#include "sim/wire.h"

#include <charconv>
#include <cstdint>
#include <string>

#include "util/base64.h"

namespace repram::sim {
namespace {

// Longest from/to/message_id/node field read here; ParseMessage applies the real caps.
constexpr size_t kMaxShortField = 128;

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool Eat(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool AtEnd() const { return pos_ == text_.size(); }
  // Reads "..." without escapes.
  std::optional<std::string_view> String() {
    if (!Eat('"')) return std::nullopt;
    const size_t end = text_.find_first_of("\"\\", pos_);
    if (end == std::string_view::npos || text_[end] != '"') return std::nullopt;
    const std::string_view s = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    for (char c : s) {
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
    }
    return s;
  }
  std::optional<int64_t> Int() {
    int64_t value = 0;
    const char* begin = text_.data() + pos_;
    const auto [ptr, ec] = std::from_chars(begin, text_.data() + text_.size(), value);
    if (ec != std::errc() || ptr == begin) return std::nullopt;
    if (pos_ < text_.size() && (*ptr == '.' || *ptr == 'e' || *ptr == 'E')) return std::nullopt;
    pos_ += static_cast<size_t>(ptr - begin);
    return value;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

bool ReadShort(Cursor& in, std::string& out) {
  const auto s = in.String();
  if (!s || s->size() > kMaxShortField) return false;
  out = std::string(*s);
  return true;
}

bool ReadPort(Cursor& in, uint16_t& out) {
  const auto v = in.Int();
  if (!v || *v < 1 || *v > 65535) return false;
  out = static_cast<uint16_t>(*v);
  return true;
}

bool ReadNode(Cursor& in, cluster::NodeInfo& node) {
  if (!in.Eat('{')) return false;
  bool first = true;
  while (!in.Eat('}')) {
    if (!first && !in.Eat(',')) return false;
    first = false;
    const auto key = in.String();
    if (!key || !in.Eat(':')) return false;
    bool ok = false;
    if (*key == "id") ok = ReadShort(in, node.id);
    if (*key == "address") ok = ReadShort(in, node.address);
    if (*key == "port") ok = ReadPort(in, node.gossip_port);
    if (*key == "http_port") ok = ReadPort(in, node.http_port);
    if (*key == "enclave") ok = ReadShort(in, node.enclave);
    if (!ok) return false;
  }
  node.enclave = cluster::NormalizeEnclave(node.enclave);
  return true;
}

}  // namespace

std::optional<cluster::SimpleMessage> ReadEncodedMessage(std::string_view body) {
  Cursor in(body);
  cluster::SimpleMessage msg;
  if (!in.Eat('{')) return std::nullopt;
  bool first = true;
  while (!in.Eat('}')) {
    if (!first && !in.Eat(',')) return std::nullopt;
    first = false;
    const auto key = in.String();
    if (!key || !in.Eat(':')) return std::nullopt;
    bool ok = false;
    if (*key == "type") {
      ok = ReadShort(in, msg.type);
    } else if (*key == "from") {
      ok = ReadShort(in, msg.from);
    } else if (*key == "to") {
      ok = ReadShort(in, msg.to);
    } else if (*key == "message_id") {
      ok = ReadShort(in, msg.message_id);
    } else if (*key == "key") {
      const auto s = in.String();
      ok = s.has_value();
      if (ok) msg.key = std::string(*s);
    } else if (*key == "data") {
      const auto s = in.String();
      std::optional<std::string> data = s ? DecodeBase64Strict(*s) : std::nullopt;
      ok = data.has_value();
      if (ok) msg.data = std::move(*data);
    } else if (*key == "ttl") {
      const auto v = in.Int();
      ok = v && *v >= INT32_MIN && *v <= INT32_MAX;
      if (ok) msg.ttl = static_cast<int32_t>(*v);
    } else if (*key == "timestamp") {
      const auto v = in.Int();
      ok = v.has_value();
      if (ok) msg.timestamp = *v;
    } else if (*key == "node_info") {
      cluster::NodeInfo node;
      ok = ReadNode(in, node);
      if (ok) msg.node_info = std::move(node);
    }
    if (!ok) return std::nullopt;
  }
  if (!in.AtEnd()) return std::nullopt;
  return msg;
}

}  // namespace repram::sim
