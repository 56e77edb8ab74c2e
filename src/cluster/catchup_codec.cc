#include "cluster/catchup_codec.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "cluster/base64.h"
#include "cluster/json_fields.h"
#include "cluster/node_info.h"
#include "util/json_writer.h"
#include "util/strings.h"

namespace repram::cluster {
namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

}  // namespace

Result<CatchupRequest> ParseCatchupRequest(std::string_view body) {
  const Status bad(StatusCode::kInvalidArgument, "Invalid JSON");
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return bad;
  CatchupRequest req;
  if (!ReadString(doc, "node_id", req.node_id) || !ReadString(doc, "enclave", req.enclave) ||
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

CatchupPageWriter::CatchupPageWriter() { out_ = "{\"entries\":["; }

void CatchupPageWriter::Add(std::string_view key, std::string_view value, int64_t remaining_ttl,
                            int64_t original_ttl) {
  if (count_++ > 0) out_.push_back(',');
  out_.append("{\"key\":");
  AppendJsonString(out_, key);
  out_.append(",\"data\":\"");
  out_.append(EncodeBase64(value));
  out_.append("\",\"remaining_ttl\":");
  out_.append(std::to_string(remaining_ttl));
  out_.append(",\"original_ttl\":");
  out_.append(std::to_string(original_ttl));
  out_.push_back('}');
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

Result<CatchupPage> ParseCatchupPage(std::string_view body) {
  const Status bad(StatusCode::kUnavailable, "invalid catch-up page");
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return bad;
  auto entries = doc.find("entries");
  if (entries == doc.end() || !entries->is_array()) return bad;
  CatchupPage page;
  page.entries.reserve(entries->size());
  for (const nlohmann::json& item : *entries) {
    if (!item.is_object()) return bad;
    CatchupEntry entry;
    std::string data;
    for (const char* required : {"key", "data", "remaining_ttl", "original_ttl"}) {
      if (!HasMember(item, required)) return bad;
    }
    if (!ReadString(item, "key", entry.key) || !ReadString(item, "data", data) ||
        !ReadInt(item, "remaining_ttl", kInt64Min, kInt64Max, entry.remaining_ttl) ||
        !ReadInt(item, "original_ttl", kInt64Min, kInt64Max, entry.original_ttl)) {
      return bad;
    }
    std::optional<std::string> value = DecodeBase64(data);
    if (!value) return bad;
    entry.value = std::move(*value);
    page.entries.push_back(std::move(entry));
  }
  if (HasMember(doc, "next_cursor")) {
    std::string cursor;
    if (!ReadString(doc, "next_cursor", cursor)) return bad;
    page.next_cursor = std::move(cursor);
  }
  return page;
}

}  // namespace repram::cluster
