#include "trust/signed_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "util/base64.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace repram::trust {
namespace {

Status ParseError(std::string detail) {
  return Status(StatusCode::kInvalidArgument, "trust: signed list " + std::move(detail));
}

std::vector<std::string> SplitNodes(std::string_view value) {
  std::vector<std::string> nodes;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    const std::string_view entry = TrimSpace(value.substr(start, comma - start));
    if (!entry.empty()) nodes.emplace_back(entry);
    start = comma + 1;
  }
  return nodes;
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x80) {
      if (const size_t len = Utf8SequenceLength(s, i); len > 0) {
        out.append(s.substr(i, len));
        i += len;
      } else {
        out += fmt::format("\\x{:02x}", b);
        ++i;
      }
      continue;
    }
    switch (b) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (b < 0x20 || b == 0x7F) {
          out += fmt::format("\\x{:02x}", b);
        } else {
          out.push_back(static_cast<char>(b));
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

Result<SignedList> ParseSignedList(std::string_view record) {
  record = TrimSpace(record);
  if (record.empty()) return ParseError("has malformed field: empty record");

  SignedList list;
  bool seen_v = false, seen_exp = false, seen_nodes = false, seen_sig = false;
  size_t start = 0;
  while (start <= record.size()) {
    size_t semi = record.find(';', start);
    if (semi == std::string_view::npos) semi = record.size();
    const std::string_view segment = record.substr(start, semi - start);
    start = semi + 1;
    if (segment.empty()) continue;

    const size_t eq = segment.find('=');
    if (eq == std::string_view::npos) return ParseError("has malformed field: " + GoQuote(segment));
    const std::string_view key = TrimSpace(segment.substr(0, eq));
    const std::string_view value = TrimSpace(segment.substr(eq + 1));

    bool* seen = nullptr;
    if (key == "v") seen = &seen_v;
    if (key == "exp") seen = &seen_exp;
    if (key == "nodes") seen = &seen_nodes;
    if (key == "sig") seen = &seen_sig;
    if (seen == nullptr) return ParseError("has unknown field: " + std::string(key));
    if (*seen) return ParseError("has duplicate field: " + std::string(key));
    *seen = true;

    if (key == "v") {
      list.version = value;
    } else if (key == "exp") {
      const std::optional<int64_t> exp = ParseStrictInt(value);
      if (!exp) return ParseError("has malformed field: exp=" + GoQuote(value));
      list.exp = *exp;
    } else if (key == "nodes") {
      list.nodes = SplitNodes(value);
      if (list.nodes.empty()) return ParseError("contains no nodes");
    } else {
      std::optional<std::string> sig = DecodeBase64Strict(value);
      if (!sig) return ParseError("signature is not valid base64");
      list.signature = std::move(*sig);
    }
  }

  if (!seen_v) return ParseError("missing required field: v");
  if (!seen_exp) return ParseError("missing required field: exp");
  if (!seen_nodes) return ParseError("missing required field: nodes");
  if (!seen_sig) return ParseError("missing required field: sig");
  return list;
}

std::string CanonicalPayload(const SignedList& list) {
  std::vector<std::string> sorted = list.nodes;
  std::sort(sorted.begin(), sorted.end());  // char_traits<char> compares as unsigned bytes
  return fmt::format("v={};exp={};nodes={}", list.version, list.exp, fmt::join(sorted, ","));
}

std::string FormatSignedRecord(const SignedList& list) {
  return CanonicalPayload(list) + ";sig=" + EncodeBase64(list.signature);
}

}  // namespace repram::trust
