#include "cluster/catchup_codec.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

#include "cluster/json_fields.h"
#include "cluster/node_info.h"
#include "util/base64.h"
#include "util/json_depth.h"
#include "util/json_writer.h"
#include "util/limits.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace repram::cluster {
namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

}  // namespace

Result<CatchupRequest> ParseCatchupRequest(std::string_view body) {
  const Status bad(StatusCode::kInvalidArgument, "Invalid JSON");
  if (!JsonDepthWithin(body)) return bad;  // before any tree is built
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return bad;
  CatchupRequest req;
  if (!ReadString(doc, "node_id", kMaxNodeIdBytes, req.node_id) ||
      !ReadString(doc, "enclave", kMaxEnclaveBytes, req.enclave) ||
      !ReadString(doc, "cursor", req.cursor) ||
      !ReadInt(doc, "limit", kInt64Min, kInt64Max, req.limit) ||
      !ReadInt(doc, "timestamp", kInt64Min, kInt64Max, req.timestamp)) {
    return bad;
  }
  req.limit = std::clamp<int64_t>(req.limit, 1, kCatchupMaxLimit);
  req.enclave = NormalizeEnclave(req.enclave);
  return req;
}

std::string EncodeCatchupRequest(const CatchupRequest& req) {
  JsonWriter w;
  w.BeginObject()
      .String("node_id", req.node_id)
      .String("enclave", req.enclave)
      .String("cursor", req.cursor)
      .Int("limit", req.limit)
      .Int("timestamp", req.timestamp)
      .EndObject();
  return w.Take();
}

CatchupPageWriter::CatchupPageWriter(size_t reserve) {
  out_.reserve(reserve);
  out_ = "{\"entries\":[";
}

void CatchupPageWriter::Add(std::string_view key, std::string_view value, int64_t remaining_ttl,
                            int64_t original_ttl) {
  if (count_++ > 0) out_.push_back(',');
  out_.append("{\"key\":");
  AppendJsonString(out_, key);
  out_.append(",\"data\":\"");
  AppendBase64(out_, value);
  out_.append("\",\"remaining_ttl\":");
  AppendInt(remaining_ttl);
  out_.append(",\"original_ttl\":");
  AppendInt(original_ttl);
  out_.push_back('}');
}

void CatchupPageWriter::AppendInt(int64_t v) {
  DecimalBuffer digits;
  out_.append(DecimalText(v, digits));
}

std::string CatchupPageWriter::Finish(const std::optional<std::string>& next_cursor) {
  out_.push_back(']');
  if (next_cursor) {
    out_.append(",\"next_cursor\":");
    AppendJsonString(out_, *next_cursor);
  }
  out_.append("}\n");
  return std::move(out_);
}

namespace {

// SAX handler for a page: fills CatchupPage as the parser goes, so a 10,000-entry page costs no
// DOM (the DOM's allocations and teardown were the requester's largest cost). Same acceptance as
// a DOM read: an object whose `entries` is an array of objects with a string key, strict base64
// data and integer remaining_ttl / original_ttl (last duplicate wins), optional string or null
// next_cursor; unknown members of any type are skipped.
class PageReader {
 public:
  using json = nlohmann::json;

  explicit PageReader(CatchupPage& page) : page_(page) {}

  bool null() { return Scalar(Kind::kNull); }
  bool boolean(bool) { return Scalar(Kind::kOther); }
  bool number_integer(json::number_integer_t v) { return Int(v); }
  bool number_unsigned(json::number_unsigned_t v) {
    if (v > static_cast<uint64_t>(kInt64Max)) return Scalar(Kind::kOther);
    return Int(static_cast<int64_t>(v));
  }
  bool number_float(json::number_float_t, const json::string_t&) { return Scalar(Kind::kOther); }
  bool binary(json::binary_t&) { return Scalar(Kind::kOther); }
  bool string(json::string_t& v) {
    if (skip_ > 0) return true;
    switch (where_) {
      case Where::kRootMember:
        if (member_ == "next_cursor") {
          page_.next_cursor = std::move(v);
          return Done(Where::kRoot);
        }
        if (member_ == "entries") return false;
        return Done(Where::kRoot);
      case Where::kEntryMember:
        if (member_ == "key") {
          entry_.key = std::move(v);
          seen_ |= kKey;
        } else if (member_ == "data") {
          std::optional<std::string> value = DecodeBase64Strict(v);
          if (!value) return false;
          entry_.value = std::move(*value);
          seen_ |= kData;
        } else if (member_ == "remaining_ttl" || member_ == "original_ttl") {
          return false;
        }
        return Done(Where::kEntry);
      default:
        return false;
    }
  }
  bool start_object(std::size_t) {
    if (skip_ > 0 || where_ == Where::kRootMember || where_ == Where::kEntryMember) {
      if (where_ == Where::kRootMember && member_ == "entries") return false;
      if (where_ == Where::kEntryMember && IsEntryField()) return false;
      ++skip_;
      return true;
    }
    if (where_ == Where::kStart) return Done(Where::kRoot);
    if (where_ == Where::kEntries) {
      entry_ = CatchupEntry{};
      seen_ = 0;
      return Done(Where::kEntry);
    }
    return false;
  }
  bool end_object() {
    if (skip_ > 0) return EndSkipped();
    if (where_ == Where::kRoot) return entries_seen_ && Done(Where::kEnd);
    if (where_ != Where::kEntry || seen_ != kAll) return false;
    page_.entries.push_back(std::move(entry_));
    return Done(Where::kEntries);
  }
  bool start_array(std::size_t) {
    if (skip_ == 0 && where_ == Where::kRootMember && member_ == "entries") {
      entries_seen_ = true;
      page_.entries.clear();
      return Done(Where::kEntries);
    }
    if (skip_ > 0 || where_ == Where::kRootMember ||
        (where_ == Where::kEntryMember && !IsEntryField())) {
      ++skip_;
      return true;
    }
    return false;
  }
  bool end_array() {
    if (skip_ > 0) return EndSkipped();
    return where_ == Where::kEntries && Done(Where::kRoot);
  }
  bool key(json::string_t& k) {
    if (skip_ > 0) return true;
    member_ = std::move(k);
    if (where_ == Where::kRoot) return Done(Where::kRootMember);
    if (where_ == Where::kEntry) return Done(Where::kEntryMember);
    return false;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  enum class Where { kStart, kRoot, kRootMember, kEntries, kEntry, kEntryMember, kEnd };
  enum class Kind { kNull, kOther };
  static constexpr int kKey = 1, kData = 2, kRemaining = 4, kOriginal = 8;
  static constexpr int kAll = kKey | kData | kRemaining | kOriginal;

  bool Done(Where next) {
    where_ = next;
    return true;
  }
  bool IsEntryField() const {
    return member_ == "key" || member_ == "data" || member_ == "remaining_ttl" ||
           member_ == "original_ttl";
  }
  // A skipped container closed: back to the member list it was a value of.
  bool EndSkipped() {
    if (--skip_ == 0) where_ = where_ == Where::kRootMember ? Where::kRoot : Where::kEntry;
    return true;
  }
  // null, bool, float and binary values: accepted only where the member is unknown (or, for
  // null, an absent next_cursor).
  bool Scalar(Kind kind) {
    if (skip_ > 0) return true;
    if (where_ == Where::kRootMember) {
      if (member_ == "entries") return false;
      if (member_ == "next_cursor") {
        if (kind != Kind::kNull) return false;
        page_.next_cursor.reset();
      }
      return Done(Where::kRoot);
    }
    if (where_ == Where::kEntryMember) return !IsEntryField() && Done(Where::kEntry);
    return false;
  }
  bool Int(int64_t v) {
    if (skip_ > 0) return true;
    if (where_ == Where::kEntryMember) {
      if (member_ == "remaining_ttl") {
        entry_.remaining_ttl = v;
        seen_ |= kRemaining;
      } else if (member_ == "original_ttl") {
        entry_.original_ttl = v;
        seen_ |= kOriginal;
      } else if (member_ == "key" || member_ == "data") {
        return false;
      }
      return Done(Where::kEntry);
    }
    return Scalar(Kind::kOther);
  }

  CatchupPage& page_;
  Where where_ = Where::kStart;
  std::string member_;
  CatchupEntry entry_;
  int seen_ = 0;
  int skip_ = 0;  // depth inside an ignored member's value
  bool entries_seen_ = false;
};

// Reads a page in exactly the form CatchupPageWriter emits: no whitespace but at the end, the
// members in its order, strings without escapes, plain integers. Hand-written because the
// general reader's lexer (nlohmann builds each string byte by byte) was the requester's largest
// cost; anything it does not recognise is left to that reader, so it decides nothing on its own.
class CanonicalPageReader {
 public:
  explicit CanonicalPageReader(std::string_view body) : s_(body) {}

  std::optional<CatchupPage> Read() {
    CatchupPage page;
    if (!Literal(R"({"entries":[)")) return std::nullopt;
    // The shortest entry takes 55 bytes: this bounds the count (the cap bounds the guess only).
    page.entries.reserve(std::min<size_t>(s_.size() / 55 + 1, kCatchupMaxLimit));
    if (!Literal("]")) {
      do {
        CatchupEntry& e = page.entries.emplace_back();
        std::string_view key;
        std::string_view data;
        if (!Literal(R"({"key":)") || !String(key) || !Literal(R"(,"data":)") || !String(data) ||
            !Literal(R"(,"remaining_ttl":)") || !Int(e.remaining_ttl) ||
            !Literal(R"(,"original_ttl":)") || !Int(e.original_ttl) || !Literal("}")) {
          return std::nullopt;
        }
        std::optional<std::string> value = DecodeBase64Strict(data);
        if (!value) return std::nullopt;
        e.key = key;
        e.value = std::move(*value);
      } while (Literal(","));
      if (!Literal("]")) return std::nullopt;
    }
    if (Literal(R"(,"next_cursor":)")) {
      std::string_view cursor;
      if (!String(cursor)) return std::nullopt;
      page.next_cursor = std::string(cursor);
    }
    if (!Literal("}")) return std::nullopt;
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) {
      ++pos_;
    }
    if (pos_ != s_.size()) return std::nullopt;
    return page;
  }

 private:
  bool Literal(std::string_view text) {
    if (s_.substr(pos_, text.size()) != text) return false;
    pos_ += text.size();
    return true;
  }
  // A string of well-formed UTF-8 without escapes or control characters.
  bool String(std::string_view& out) {
    if (!Literal("\"")) return false;
    const size_t start = pos_;
    while (pos_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        out = s_.substr(start, pos_++ - start);
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      if (c < 0x80) {
        ++pos_;
      } else {
        const size_t n = Utf8SequenceLength(s_, pos_);
        if (n == 0) return false;
        pos_ += n;
      }
    }
    return false;
  }
  // -?(0|[1-9][0-9]*) within int64 and not followed by a fraction or exponent.
  bool Int(int64_t& out) {
    const size_t start = pos_;
    const size_t digits = pos_ < s_.size() && s_[pos_] == '-' ? pos_ + 1 : pos_;
    if (digits + 1 < s_.size() && s_[digits] == '0' && IsDigit(s_[digits + 1])) return false;
    const auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + s_.size(), out);
    if (ec != std::errc() || end == s_.data() + digits) return false;
    pos_ = end - s_.data();
    return true;
  }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<CatchupPage> ReadCanonicalCatchupPage(std::string_view body) {
  return CanonicalPageReader(body).Read();
}

Result<CatchupPage> ReadCatchupPageGeneral(std::string_view body) {
  CatchupPage page;
  PageReader reader(page);
  if (!nlohmann::json::sax_parse(body, &reader, nlohmann::json::input_format_t::json,
                                 /*strict=*/true)) {
    return Status(StatusCode::kUnavailable, "invalid catch-up page");
  }
  return page;
}

Result<CatchupPage> ParseCatchupPage(std::string_view body) {
  if (std::optional<CatchupPage> page = ReadCanonicalCatchupPage(body)) return std::move(*page);
  return ReadCatchupPageGeneral(body);
}

}  // namespace repram::cluster
