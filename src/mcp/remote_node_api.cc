#include "mcp/remote_node_api.h"

#include <chrono>
#include <utility>
#include <vector>

#include "mcp/json_rpc.h"
#include "mcp/tool_catalog.h"
#include "util/headers.h"
#include "util/host_port.h"
#include "util/json_depth.h"
#include "util/limits.h"
#include "util/rfc3339.h"
#include "util/strings.h"

namespace repram::mcp {

struct RemoteNodeApi::Shared {
  RemoteEndpoint endpoint;
  HttpSender sender;
  const Clock& clock;

  RemoteRequest Request(std::string method, std::string target) const {
    RemoteRequest r;
    r.host = endpoint.host;
    r.port = endpoint.port;
    r.method = std::move(method);
    r.target = endpoint.base_path + std::move(target);
    return r;
  }
};

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Reason phrases of the statuses a REPRAM node answers with. Hand-written because the only
// library that has this table (Beast) must stay out of this module.
std::string_view ReasonPhrase(unsigned status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 507:
      return "Insufficient Storage";
    default:
      return "Unexpected Status";
  }
}

Status StatusFailure(std::string_view op, unsigned status) {
  return Status(status == 507 ? StatusCode::kFull : StatusCode::kUnavailable,
                std::string(op) + " failed with status " + std::to_string(status) + ": " +
                    std::string(ReasonPhrase(status)));
}

Status ConnectionFailure(const RemoteEndpoint& endpoint, const std::string& reason) {
  return Status(StatusCode::kUnavailable, "connection to " + endpoint.url + " failed: " + reason);
}

std::optional<int64_t> IntHeader(const Headers& headers, std::string_view name) {
  const auto v = FindHeader(headers, name);
  return v ? ParseStrictInt(*v) : std::nullopt;
}

std::optional<WallTime> TimeHeader(const Headers& headers, std::string_view name) {
  const auto v = FindHeader(headers, name);
  return v ? ParseRfc3339(*v) : std::nullopt;
}

// Entry metadata from GET/HEAD headers; tolerates a missing header by deriving it from the others.
EntryMeta MetaFromHeaders(const Headers& headers, WallTime now) {
  EntryMeta meta;
  meta.remaining_ttl_seconds = IntHeader(headers, "X-Remaining-TTL").value_or(0);
  meta.ttl_seconds = IntHeader(headers, "X-Original-TTL").value_or(meta.remaining_ttl_seconds);
  meta.created_at =
      TimeHeader(headers, "X-Created-At")
          .value_or(now - std::chrono::seconds(meta.ttl_seconds - meta.remaining_ttl_seconds));
  return meta;
}

std::string DataTarget(std::string_view key) { return "/v1/data/" + PercentEncode(key); }

}  // namespace

Result<RemoteEndpoint> ParseRemoteUrl(std::string_view url) {
  const auto invalid = [url] {
    return Status(StatusCode::kInvalidArgument, "REPRAM_URL: invalid URL: " + std::string(url));
  };
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() || AsciiLower(url.substr(0, kScheme.size())) != kScheme) {
    return Status(StatusCode::kInvalidArgument, "REPRAM_URL: only http:// URLs are supported");
  }
  RemoteEndpoint out;
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  out.url = std::string(url.substr(0, kScheme.size() + rest.size()));
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.base_path = std::string(rest.substr(slash));
  if (out.base_path.find_first_of("?#") != std::string::npos) return invalid();
  if (authority.find('@') != std::string_view::npos) return invalid();

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid();
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid();
      port_text = after.substr(1);
      if (port_text.empty()) return invalid();
    }
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return invalid();
    }
  }
  if (out.host.empty()) return invalid();
  if (!port_text.empty()) {
    const std::optional<uint16_t> port = ParsePort(port_text);
    if (!port) return invalid();
    out.port = *port;
  }
  return out;
}

RemoteNodeApi::RemoteNodeApi(RemoteEndpoint endpoint, HttpSender sender, const Clock& clock)
    : shared_(
          std::make_shared<const Shared>(Shared{std::move(endpoint), std::move(sender), clock})) {}

void RemoteNodeApi::Store(std::string key, std::string value, std::optional<int64_t> ttl,
                          StoreDone done) {
  RemoteRequest req = shared_->Request("PUT", DataTarget(key));
  req.headers.emplace_back("Content-Type", "application/octet-stream");
  if (ttl) req.headers.emplace_back("X-TTL", std::to_string(*ttl));
  req.body = std::move(value);
  shared_->sender(std::move(req), [shared = shared_, key = std::move(key), ttl,
                                   done = std::move(done)](const RemoteResponse& res) mutable {
    if (!res.error.empty()) return done(ConnectionFailure(shared->endpoint, res.error));
    if (res.status != 201 && res.status != 202) return done(StatusFailure("Store", res.status));
    StoreReceipt receipt;
    receipt.replicated = res.status == 201;
    FinishStore(shared, key, ttl, receipt, IntHeader(res.headers, "X-Original-TTL"),
                TimeHeader(res.headers, "X-Created-At"), std::move(done));
  });
}

void RemoteNodeApi::FinishStore(const std::shared_ptr<const Shared>& shared, const std::string& key,
                                std::optional<int64_t> ttl, StoreReceipt receipt,
                                std::optional<int64_t> put_ttl, std::optional<WallTime> put_created,
                                StoreDone done) {
  if (put_ttl && put_created) {
    receipt.ttl_seconds = *put_ttl;
    receipt.created_at = *put_created;
    return done(receipt);
  }
  shared->sender(shared->Request("HEAD", DataTarget(key)), [shared, ttl, receipt, put_ttl,
                                                            put_created, done = std::move(done)](
                                                               const RemoteResponse& res) mutable {
    const bool ok = res.error.empty() && res.status == 200;
    const Headers none;
    const Headers& h = ok ? res.headers : none;
    // A node that reports no TTL: the http-api.md §4 rule with the default bounds.
    receipt.ttl_seconds =
        put_ttl ? *put_ttl : IntHeader(h, "X-Original-TTL").value_or(TtlBounds{}.Effective(ttl));
    receipt.created_at = put_created
                             ? *put_created
                             : TimeHeader(h, "X-Created-At").value_or(shared->clock.WallNow());
    done(receipt);
  });
}

void RemoteNodeApi::Retrieve(std::string key, RetrieveDone done) {
  shared_->sender(shared_->Request("GET", DataTarget(key)),
                  [shared = shared_, done = std::move(done)](const RemoteResponse& res) {
                    if (!res.error.empty()) {
                      return done(ConnectionFailure(shared->endpoint, res.error));
                    }
                    if (res.status == 404) return done(std::optional<Entry>());
                    if (res.status != 200) return done(StatusFailure("Retrieve", res.status));
                    Entry entry{res.body, MetaFromHeaders(res.headers, shared->clock.WallNow())};
                    done(std::optional<Entry>(std::move(entry)));
                  });
}

void RemoteNodeApi::Exists(std::string key, ExistsDone done) {
  shared_->sender(
      shared_->Request("HEAD", DataTarget(key)),
      [shared = shared_, done = std::move(done)](const RemoteResponse& res) {
        if (!res.error.empty()) {
          return done(ConnectionFailure(shared->endpoint, res.error));
        }
        if (res.status == 404) return done(std::optional<EntryMeta>());
        if (res.status != 200) return done(StatusFailure("Exists", res.status));
        done(std::optional<EntryMeta>(MetaFromHeaders(res.headers, shared->clock.WallNow())));
      });
}

void RemoteNodeApi::ListKeys(std::string prefix, std::string cursor, int64_t limit, ListDone done) {
  std::string target = "/v1/keys?";
  if (!prefix.empty()) target += "prefix=" + PercentEncode(prefix) + "&";
  if (!cursor.empty()) target += "cursor=" + PercentEncode(cursor) + "&";
  target += "limit=" + std::to_string(limit);
  shared_->sender(shared_->Request("GET", std::move(target)), [shared = shared_,
                                                               done = std::move(done)](
                                                                  const RemoteResponse& res) {
    if (!res.error.empty()) return done(ConnectionFailure(shared->endpoint, res.error));
    if (res.status != 200) return done(StatusFailure("List keys", res.status));
    const Json body = JsonDepthWithin(res.body)
                          ? Json::parse(res.body, nullptr, /*allow_exceptions=*/false)
                          : Json();
    const auto keys = body.find("keys");  // find() on a non-object yields end()
    if (keys == body.end() || !(keys->is_null() || keys->is_array())) {
      return done(Status(StatusCode::kUnavailable, "List keys failed: invalid response body"));
    }
    KeyListing listing;
    if (keys->is_array()) {
      for (const Json& k : *keys) {
        if (!k.is_string()) {
          return done(Status(StatusCode::kUnavailable, "List keys failed: invalid response body"));
        }
        listing.keys.push_back(k.get<std::string>());
      }
    }
    const auto next = body.find("next_cursor");
    if (next != body.end() && next->is_string() && !next->get_ref<const std::string&>().empty()) {
      listing.next_cursor = next->get<std::string>();
    }
    done(std::move(listing));
  });
}

}  // namespace repram::mcp
