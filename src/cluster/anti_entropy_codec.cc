#include "cluster/anti_entropy_codec.h"

#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "cluster/json_fields.h"
#include "util/base64.h"
#include "util/json_depth.h"
#include "util/limits.h"

namespace repram::cluster {
namespace {

using nlohmann::json;

Status Malformed() { return Status(StatusCode::kInvalidArgument, "Invalid JSON"); }

void PutLe64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetLe64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}

std::string PackU64(const std::vector<uint64_t>& values) {
  std::string raw;
  raw.reserve(values.size() * 8);
  for (uint64_t v : values) PutLe64(raw, v);
  return EncodeBase64(raw);
}

// Decodes a base64 member into packed little-endian u64s; nullopt when absent/invalid.
std::optional<std::vector<uint64_t>> UnpackU64(const json& obj, std::string_view name) {
  std::string text;
  if (!HasMember(obj, name) || !ReadString(obj, name, text)) return std::nullopt;
  std::optional<std::string> raw = DecodeBase64Strict(text);
  if (!raw || raw->size() % 8 != 0) return std::nullopt;
  std::vector<uint64_t> out(raw->size() / 8);
  for (size_t i = 0; i < out.size(); ++i) out[i] = GetLe64(raw->data() + 8 * i);
  return out;
}

json ScopeJson(const AntiEntropyScope& scope) {
  return json{{"node_id", scope.node_id},
              {"enclave", scope.enclave},
              {"buckets", scope.buckets},
              {"cutoff_unix_ms", scope.cutoff_unix_ms}};
}

std::optional<json> ParseObject(std::string_view body) {
  if (!JsonDepthWithin(body)) return std::nullopt;  // before any tree is built
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

bool ReadScope(const json& doc, AntiEntropyScope& scope) {
  int64_t buckets = 0;
  if (!ReadString(doc, "node_id", kMaxNodeIdBytes, scope.node_id) ||
      !ReadString(doc, "enclave", kMaxEnclaveBytes, scope.enclave) ||
      !ReadInt(doc, "buckets", 1, kMaxDigestBuckets, buckets) ||
      !ReadInt(doc, "cutoff_unix_ms", 1, std::numeric_limits<int64_t>::max(),
               scope.cutoff_unix_ms)) {
    return false;
  }
  scope.buckets = static_cast<uint32_t>(buckets);
  return buckets > 0 && scope.cutoff_unix_ms > 0;
}

json EntriesJson(const std::vector<TransferEntry>& entries) {
  json list = json::array();
  for (const TransferEntry& e : entries) {
    list.push_back(json{{"key", EncodeBase64(e.key)},
                        {"data", EncodeBase64(e.data)},
                        {"remaining_ms", e.remaining_ms},
                        {"original_ttl", e.original_ttl}});
  }
  return list;
}

bool ReadEntries(const json& doc, std::vector<TransferEntry>& out) {
  if (!HasMember(doc, "entries")) return true;
  const json& list = doc.at("entries");
  if (!list.is_array()) return false;
  out.reserve(list.size());
  for (const json& item : list) {
    if (!item.is_object()) return false;
    std::string key;
    std::string data;
    TransferEntry e;
    if (!ReadString(item, "key", key) || !ReadString(item, "data", data) ||
        !ReadInt(item, "remaining_ms", 1, kMaxTtlSeconds * int64_t{1000}, e.remaining_ms) ||
        !ReadInt(item, "original_ttl", 1, kMaxTtlSeconds, e.original_ttl)) {
      return false;
    }
    std::optional<std::string> raw_key = DecodeBase64Strict(key);
    std::optional<std::string> raw_data = DecodeBase64Strict(data);
    if (!raw_key || !raw_data || raw_key->empty() || raw_key->size() > kMaxKeyBytes ||
        e.remaining_ms < 1 || e.original_ttl < 1) {
      return false;
    }
    e.key = std::move(*raw_key);
    e.data = std::move(*raw_data);
    out.push_back(std::move(e));
  }
  return true;
}

}  // namespace

std::string EncodeDigestRequest(const AntiEntropyScope& scope) { return ScopeJson(scope).dump(); }

Result<AntiEntropyScope> ParseDigestRequest(std::string_view body) {
  std::optional<json> doc = ParseObject(body);
  AntiEntropyScope scope;
  if (!doc || !ReadScope(*doc, scope)) return Malformed();
  return scope;
}

std::string EncodeDigestResponse(const std::vector<uint64_t>& digest) {
  return json{{"buckets", digest.size()}, {"digest", PackU64(digest)}}.dump();
}

Result<std::vector<uint64_t>> ParseDigestResponse(std::string_view body) {
  std::optional<json> doc = ParseObject(body);
  if (!doc) return Malformed();
  std::optional<std::vector<uint64_t>> digest = UnpackU64(*doc, "digest");
  if (!digest || digest->empty() || digest->size() > kMaxDigestBuckets) return Malformed();
  return std::move(*digest);
}

std::string EncodeDiffRequest(const DiffRequest& req) {
  json doc = ScopeJson(req.scope);
  doc["bucket_ids"] = req.bucket_ids;
  std::string raw;
  raw.reserve(req.summary.size() * 24);
  for (const SummaryRecord& r : req.summary) {
    PutLe64(raw, r.key_hash);
    PutLe64(raw, r.value_hash);
    PutLe64(raw, static_cast<uint64_t>(r.expires_after_cutoff_ms));
  }
  doc["summary"] = EncodeBase64(raw);
  return doc.dump();
}

Result<DiffRequest> ParseDiffRequest(std::string_view body) {
  std::optional<json> doc = ParseObject(body);
  DiffRequest req;
  if (!doc || !ReadScope(*doc, req.scope) || !HasMember(*doc, "bucket_ids")) return Malformed();
  const json& ids = doc->at("bucket_ids");
  if (!ids.is_array() || ids.size() > req.scope.buckets) return Malformed();
  for (const json& id : ids) {
    if (!id.is_number_unsigned() || id.get<uint64_t>() >= req.scope.buckets) return Malformed();
    req.bucket_ids.push_back(id.get<uint32_t>());
  }
  std::optional<std::vector<uint64_t>> packed = UnpackU64(*doc, "summary");
  if (!packed || packed->size() % 3 != 0) return Malformed();
  req.summary.reserve(packed->size() / 3);
  for (size_t i = 0; i < packed->size(); i += 3) {
    const auto after = static_cast<int64_t>((*packed)[i + 2]);
    if (after < 0) return Malformed();
    req.summary.push_back({(*packed)[i], (*packed)[i + 1], after});
  }
  return req;
}

std::string EncodeDiffResponse(const DiffResponse& resp) {
  return json{{"entries", EntriesJson(resp.entries)},
              {"want", PackU64(resp.want)},
              {"truncated", resp.truncated}}
      .dump();
}

Result<DiffResponse> ParseDiffResponse(std::string_view body) {
  std::optional<json> doc = ParseObject(body);
  DiffResponse resp;
  if (!doc || !ReadEntries(*doc, resp.entries)) return Malformed();
  std::optional<std::vector<uint64_t>> want = UnpackU64(*doc, "want");
  if (!want) return Malformed();
  resp.want = std::move(*want);
  if (HasMember(*doc, "truncated")) {
    const json& t = doc->at("truncated");
    if (!t.is_boolean()) return Malformed();
    resp.truncated = t.get<bool>();
  }
  return resp;
}

std::string EncodePushRequest(const PushRequest& req) {
  return json{
      {"node_id", req.node_id}, {"enclave", req.enclave}, {"entries", EntriesJson(req.entries)}}
      .dump();
}

Result<PushRequest> ParsePushRequest(std::string_view body) {
  std::optional<json> doc = ParseObject(body);
  PushRequest req;
  if (!doc || !ReadString(*doc, "node_id", req.node_id) ||
      !ReadString(*doc, "enclave", req.enclave) || !ReadEntries(*doc, req.entries)) {
    return Malformed();
  }
  return req;
}

std::string EncodePushResponse(uint64_t stored) { return json{{"stored", stored}}.dump(); }

Result<uint64_t> ParsePushResponse(std::string_view body) {
  std::optional<json> doc = ParseObject(body);
  int64_t stored = 0;
  if (!doc || !ReadInt(*doc, "stored", 0, std::numeric_limits<int64_t>::max(), stored)) {
    return Malformed();
  }
  return static_cast<uint64_t>(stored);
}

size_t EncodedSize(const TransferEntry& entry) {
  return (entry.key.size() + entry.data.size()) * 4 / 3 + 96;
}

}  // namespace repram::cluster
