#include "mcp/tool_catalog.h"

#include <string>

#include "mcp/tool_args.h"
#include "util/limits.h"

namespace repram::mcp {
namespace {

Json KeySchema(std::string_view description) {
  return {{"type", "string"},
          {"minLength", 1},
          {"maxLength", kMaxKeyBytes},
          {"pattern", "^[^/]+$"},
          {"description", description}};
}

Json EncodingSchema(std::string_view description) {
  return {{"type", "string"},
          {"enum", {"utf8", "base64"}},
          {"default", "utf8"},
          {"description", description}};
}

Json Timestamp(std::string_view description) {
  return {{"type", "string"}, {"format", "date-time"}, {"description", description}};
}

Json StoreTool(const TtlBounds& ttl) {
  const std::string bounds = std::to_string(ttl.min_seconds) + ".." +
                             std::to_string(ttl.max_seconds) + " seconds, default " +
                             std::to_string(ttl.default_seconds);
  Json input = {
      {"type", "object"},
      {"required", {"data"}},
      {"properties",
       {{"data",
         {{"type", "string"},
          {"description",
           "The data to store: UTF-8 text, or standard base64 when encoding is \"base64\"."}}},
        {"ttl_seconds",
         {{"type", "integer"},
          {"minimum", ttl.min_seconds},
          {"maximum", ttl.max_seconds},
          {"default", ttl.default_seconds},
          {"description",
           "Time-to-live in seconds. Out-of-range values are clamped; the effective value is "
           "returned."}}},
        {"key", KeySchema("Optional key (no '/'). If omitted, a UUID v4 is generated.")},
        {"encoding", EncodingSchema("How data is encoded: \"utf8\" text or \"base64\" bytes.")}}}};
  Json output = {
      {"type", "object"},
      {"required", {"key", "ttl_seconds", "ttl_clamped", "created_at", "expires_at", "replicated"}},
      {"properties",
       {{"key", {{"type", "string"}, {"description", "The key the data was stored under."}}},
        {"ttl_seconds", {{"type", "integer"}, {"description", "The effective TTL."}}},
        {"ttl_clamped",
         {{"type", "boolean"},
          {"description", "True when the requested ttl_seconds differs from the effective one."}}},
        {"created_at", Timestamp("When the serving node stored the data.")},
        {"expires_at", Timestamp("created_at + ttl_seconds; the data is gone after this.")},
        {"replicated",
         {{"type", "boolean"},
          {"description",
           "True when a quorum of nodes confirmed the write; false when it is stored on the "
           "serving node and replication is still pending."}}}}}};
  return {{"name", kStoreTool},
          {"description",
           "Store data in REPRAM, a network of nodes that keep data in memory only, replicated "
           "across nodes, for a limited time. The data expires after its TTL (" +
               bounds +
               ") and is then gone for good: it cannot be extended, deleted early or recovered; "
               "store the key again to renew it. Anyone who knows the key can read the data. "
               "Returns the key (a UUID v4 when none was given), the effective ttl_seconds, "
               "created_at/expires_at and `replicated` (false = stored, quorum still pending). "
               "Use encoding \"base64\" for binary data."},
          {"inputSchema", std::move(input)},
          {"outputSchema", std::move(output)}};
}

Json RetrieveTool() {
  Json input = {
      {"type", "object"},
      {"required", {"key"}},
      {"properties",
       {{"key", KeySchema("The key to read.")},
        {"encoding", EncodingSchema("\"utf8\" returns text when the value is valid UTF-8 (else "
                                    "base64); \"base64\" always returns base64.")}}}};
  Json output = {
      {"type", "object"},
      {"required", {"found", "key"}},
      {"properties",
       {{"found", {{"type", "boolean"}, {"description", "False when missing or expired."}}},
        {"key", {{"type", "string"}}},
        {"data", {{"type", "string"}, {"description", "The value, encoded as `encoding` says."}}},
        {"encoding", {{"type", "string"}, {"enum", {"utf8", "base64"}}}},
        {"created_at", Timestamp("When this node stored the value.")},
        {"original_ttl_seconds", {{"type", "integer"}}},
        {"remaining_ttl_seconds", {{"type", "integer"}}},
        {"expires_at", Timestamp("When the value expires.")}}}};
  return {{"name", kRetrieveTool},
          {"description",
           "Retrieve data stored in REPRAM by key. Returns {\"found\":true, data, encoding, "
           "created_at, original/remaining TTL, expires_at}, or {\"found\":false} when the key "
           "does not exist or has expired. A miss is a normal answer, not an error: expired data "
           "is gone for good."},
          {"inputSchema", std::move(input)},
          {"outputSchema", std::move(output)}};
}

Json ExistsTool() {
  Json input = {{"type", "object"},
                {"required", {"key"}},
                {"properties", {{"key", KeySchema("The key to check.")}}}};
  Json output = {{"type", "object"},
                 {"required", {"exists"}},
                 {"properties",
                  {{"exists", {{"type", "boolean"}}},
                   {"remaining_ttl_seconds", {{"type", "integer"}}},
                   {"expires_at", Timestamp("When the value expires.")}}}};
  return {{"name", kExistsTool},
          {"description",
           "Check whether a key exists in REPRAM without reading its value. Returns "
           "{\"exists\":true, remaining_ttl_seconds, expires_at} or {\"exists\":false}. The right "
           "tool for coordination tokens and markers whose presence is the signal."},
          {"inputSchema", std::move(input)},
          {"outputSchema", std::move(output)}};
}

Json ListKeysTool() {
  Json input = {
      {"type", "object"},
      {"properties",
       {{"prefix", {{"type", "string"}, {"description", "Only keys starting with this."}}},
        {"cursor",
         {{"type", "string"},
          {"description", "Continue after this key (the next_cursor of a previous page)."}}},
        {"limit",
         {{"type", "integer"},
          {"minimum", 1},
          {"maximum", kMaxListLimit},
          {"default", kDefaultListLimit},
          {"description", "At most this many keys."}}}}}};
  Json output = {{"type", "object"},
                 {"required", {"keys"}},
                 {"properties",
                  {{"keys", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                   {"next_cursor",
                    {{"type", "string"},
                     {"description", "Present when more keys follow; pass it as cursor."}}}}}};
  return {{"name", kListKeysTool},
          {"description",
           "List keys stored in REPRAM on this node, in byte-wise order, optionally filtered by "
           "prefix. Pages of at most `limit` keys (default 1000); `next_cursor` is present when "
           "more follow. Expired keys never appear."},
          {"inputSchema", std::move(input)},
          {"outputSchema", std::move(output)}};
}

}  // namespace

bool IsKnownTool(std::string_view name) {
  return name == kStoreTool || name == kRetrieveTool || name == kExistsTool ||
         name == kListKeysTool;
}

Json ToolListResult(const TtlBounds& ttl) {
  return {{"tools", {StoreTool(ttl), RetrieveTool(), ExistsTool(), ListKeysTool()}}};
}

}  // namespace repram::mcp
