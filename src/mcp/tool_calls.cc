#include "mcp/tool_calls.h"

#include <chrono>
#include <string>
#include <utility>

#include "mcp/tool_args.h"
#include "mcp/tool_catalog.h"
#include "mcp/uuid.h"
#include "util/base64.h"
#include "util/rfc3339.h"
#include "util/utf8.h"

namespace repram::mcp {
namespace {

Json SuccessResult(Json object) {
  Json content = Json::array({{{"type", "text"}, {"text", DumpIndented(object)}}});
  return {{"content", std::move(content)}, {"structuredContent", std::move(object)}};
}

Json ErrorResult(std::string_view message) {
  Json content = Json::array({{{"type", "text"}, {"text", message}}});
  return {{"content", std::move(content)}, {"isError", true}};
}

Json InvalidArguments(std::string_view tool, const Status& status) {
  return ErrorResult("Invalid arguments for tool " + std::string(tool) + ": " + status.message());
}

std::string ExpiresAt(WallTime created_at, int64_t ttl_seconds) {
  return FormatRfc3339Millis(created_at + std::chrono::seconds(ttl_seconds));
}

void RunStore(NodeApi& node, const Json& arguments, ToolDone done) {
  Result<StoreArgs> args = ParseStoreArgs(arguments);
  if (!args.ok()) return done(InvalidArguments(kStoreTool, args.status()));
  std::string key = args->key ? *args->key : NewUuidV4();
  const std::optional<int64_t> requested = args->ttl_seconds;
  node.Store(
      key, std::move(args.value().value), requested,
      [key, requested, done = std::move(done)](const Result<StoreReceipt>& receipt) {
        if (!receipt.ok()) return done(ErrorResult(receipt.status().message()));
        const bool clamped = requested && *requested != receipt->ttl_seconds;
        done(SuccessResult({{"key", key},
                            {"ttl_seconds", receipt->ttl_seconds},
                            {"ttl_clamped", clamped},
                            {"created_at", FormatRfc3339Millis(receipt->created_at)},
                            {"expires_at", ExpiresAt(receipt->created_at, receipt->ttl_seconds)},
                            {"replicated", receipt->replicated}}));
      });
}

void RunRetrieve(NodeApi& node, const Json& arguments, ToolDone done) {
  Result<RetrieveArgs> args = ParseRetrieveArgs(arguments);
  if (!args.ok()) return done(InvalidArguments(kRetrieveTool, args.status()));
  const Encoding encoding = args->encoding;
  std::string key = args->key;
  node.Retrieve(
      std::move(args.value().key), [key = std::move(key), encoding, done = std::move(done)](
                                       const Result<std::optional<Entry>>& entry) {
        if (!entry.ok()) return done(ErrorResult(entry.status().message()));
        if (!entry->has_value()) return done(SuccessResult({{"found", false}, {"key", key}}));
        const Entry& e = **entry;
        const bool as_text = encoding == Encoding::kUtf8 && IsValidUtf8(e.value);
        done(SuccessResult({{"found", true},
                            {"key", key},
                            {"data", as_text ? e.value : EncodeBase64(e.value)},
                            {"encoding", as_text ? "utf8" : "base64"},
                            {"created_at", FormatRfc3339Millis(e.meta.created_at)},
                            {"original_ttl_seconds", e.meta.ttl_seconds},
                            {"remaining_ttl_seconds", e.meta.remaining_ttl_seconds},
                            {"expires_at", ExpiresAt(e.meta.created_at, e.meta.ttl_seconds)}}));
      });
}

void RunExists(NodeApi& node, const Json& arguments, ToolDone done) {
  Result<ExistsArgs> args = ParseExistsArgs(arguments);
  if (!args.ok()) return done(InvalidArguments(kExistsTool, args.status()));
  node.Exists(std::move(args.value().key),
              [done = std::move(done)](const Result<std::optional<EntryMeta>>& meta) {
                if (!meta.ok()) return done(ErrorResult(meta.status().message()));
                if (!meta->has_value()) return done(SuccessResult({{"exists", false}}));
                const EntryMeta& m = **meta;
                done(SuccessResult({{"exists", true},
                                    {"remaining_ttl_seconds", m.remaining_ttl_seconds},
                                    {"expires_at", ExpiresAt(m.created_at, m.ttl_seconds)}}));
              });
}

void RunListKeys(NodeApi& node, const Json& arguments, ToolDone done) {
  Result<ListKeysArgs> args = ParseListKeysArgs(arguments);
  if (!args.ok()) return done(InvalidArguments(kListKeysTool, args.status()));
  ListKeysArgs& a = args.value();
  node.ListKeys(std::move(a.prefix), std::move(a.cursor), a.limit,
                [done = std::move(done)](const Result<KeyListing>& page) {
                  if (!page.ok()) return done(ErrorResult(page.status().message()));
                  Json out = {{"keys", page->keys}};
                  if (page->next_cursor) out["next_cursor"] = *page->next_cursor;
                  done(SuccessResult(std::move(out)));
                });
}

}  // namespace

void CallTool(NodeApi& node, std::string_view name, const Json& arguments, ToolDone done) {
  if (name == kStoreTool) return RunStore(node, arguments, std::move(done));
  if (name == kRetrieveTool) return RunRetrieve(node, arguments, std::move(done));
  if (name == kExistsTool) return RunExists(node, arguments, std::move(done));
  RunListKeys(node, arguments, std::move(done));
}

}  // namespace repram::mcp
