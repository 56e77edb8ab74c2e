#include "app/cli/data_commands.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "util/base64.h"
#include "util/headers.h"
#include "util/strings.h"

namespace repram::cli {
namespace {

namespace bhttp = boost::beast::http;

// A PUT waits for the quorum up to REPRAM_WRITE_TIMEOUT (at most 60 s) before the node answers.
constexpr std::chrono::seconds kPutTimeout{70};

std::string DataTarget(const std::string& key) { return "/v1/data/" + PercentEncode(key); }

// Reads all of `file` ("-" = in) as bytes; nullopt when it cannot be read.
std::optional<std::string> ReadInput(const std::string& file, std::istream& in) {
  if (file == "-") return std::string(std::istreambuf_iterator<char>(in), {});
  std::ifstream f(file, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream bytes;
  bytes << f.rdbuf();
  if (f.bad()) return std::nullopt;
  return std::move(bytes).str();
}

// The entry headers of a data answer as JSON fields (absent headers are left out; TTLs that are
// not integers are kept as text).
nlohmann::json EntryFields(const http::ClientResult& r) {
  nlohmann::json fields = nlohmann::json::object();
  if (auto created = FindHeader(r.headers, "X-Created-At")) {
    fields["created_at"] = std::string(*created);
  }
  for (const auto& [header, name] : {std::pair{"X-Original-TTL", "original_ttl"},
                                     std::pair{"X-Remaining-TTL", "remaining_ttl"}}) {
    auto value = FindHeader(r.headers, header);
    if (!value) continue;
    if (auto seconds = ParseStrictInt(*value)) {
      fields[name] = *seconds;
    } else {
      fields[name] = std::string(*value);
    }
  }
  return fields;
}

}  // namespace

int RunPut(NodeClient& client, const PutOptions& options, bool json, Streams io) {
  auto value = ReadInput(options.file, io.in);
  if (!value) {
    io.err << "repram: put: cannot read " << options.file << "\n";
    return kExitUsage;
  }
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/octet-stream"}};
  if (options.ttl) headers.emplace_back("X-TTL", std::to_string(*options.ttl));
  const auto r = client.Call(bhttp::verb::put, DataTarget(options.key), std::move(*value),
                             std::move(headers), kPutTimeout);
  if (r.ec || (r.status != 201 && r.status != 202)) {
    return ReportFailure(r, "put " + options.key, client.url(), io.err);
  }
  if (r.status == 202) {
    io.err << "repram: warning: " << options.key
           << " is stored on the node but a quorum did not confirm it in time (202)\n";
  }
  if (json) {
    nlohmann::json out = {
        {"key", options.key}, {"status", r.status}, {"replicated", r.status == 201}};
    out.update(EntryFields(r));
    PrintJson(out, io.out);
  }
  return kExitOk;
}

int RunGet(NodeClient& client, const GetOptions& options, bool json, Streams io) {
  const auto r = client.Call(bhttp::verb::get, DataTarget(options.key));
  if (r.ec || r.status != 200) return ReportFailure(r, "get " + options.key, client.url(), io.err);
  if (!options.output.empty()) {
    std::ofstream f(options.output, std::ios::binary | std::ios::trunc);
    f.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
    f.close();
    if (!f) {
      io.err << "repram: get: cannot write " << options.output << "\n";
      return kExitUsage;
    }
  }
  if (json) {
    nlohmann::json out = {{"key", options.key}, {"size", r.body.size()}};
    out.update(EntryFields(r));
    if (options.output.empty()) out["value_base64"] = EncodeBase64(r.body);
    PrintJson(out, io.out);
  } else if (options.output.empty()) {
    io.out.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
  }
  return kExitOk;
}

int RunTtl(NodeClient& client, const std::string& key, bool json, Streams io) {
  const auto r = client.Call(bhttp::verb::head, DataTarget(key));
  if (r.ec || r.status != 200) return ReportFailure(r, "ttl " + key, client.url(), io.err);
  nlohmann::json fields = EntryFields(r);
  if (json) {
    fields["key"] = key;
    PrintJson(fields, io.out);
    return kExitOk;
  }
  for (const char* name : {"created_at", "original_ttl", "remaining_ttl"}) {
    if (!fields.contains(name)) continue;
    const auto& v = fields[name];
    io.out << name << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
  }
  return kExitOk;
}

int RunKeys(NodeClient& client, const KeysOptions& options, bool json, Streams io) {
  int64_t remaining = options.all ? -1 : options.limit.value_or(options.page_size);
  std::string cursor;
  std::optional<std::string> more_after;  // next_cursor when we stopped before the end
  nlohmann::json listed = nlohmann::json::array();
  while (true) {
    const int64_t page = remaining < 0 ? options.page_size : std::min(remaining, options.page_size);
    std::string target = "/v1/keys?limit=" + std::to_string(page);
    if (!options.prefix.empty()) target += "&prefix=" + PercentEncode(options.prefix);
    if (!cursor.empty()) target += "&cursor=" + PercentEncode(cursor);
    const auto r = client.Call(bhttp::verb::get, target);
    if (r.ec || r.status != 200) return ReportFailure(r, "keys", client.url(), io.err);
    const auto body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || !body.contains("keys") || !body["keys"].is_array()) {
      io.err << "repram: keys: unexpected answer from " << client.url() << "\n";
      return kExitFailed;
    }
    for (const auto& key : body["keys"]) {
      if (!key.is_string()) continue;
      if (json) {
        listed.push_back(key);
      } else {
        io.out << key.get<std::string>() << "\n";
      }
    }
    if (remaining > 0) {
      remaining = std::max<int64_t>(0, remaining - static_cast<int64_t>(body["keys"].size()));
    }
    const auto next = body.find("next_cursor");
    if (next == body.end() || !next->is_string()) break;
    if (remaining == 0) {
      more_after = next->get<std::string>();
      break;
    }
    cursor = next->get<std::string>();
  }
  if (json) {
    nlohmann::json out = {{"keys", std::move(listed)}};
    if (more_after) out["next_cursor"] = *more_after;
    PrintJson(out, io.out);
  }
  if (more_after && !options.all && !options.limit) {
    io.err << "repram: more keys follow; use --all or --limit N\n";
  }
  return kExitOk;
}

}  // namespace repram::cli
