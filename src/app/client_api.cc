#include "app/client_api.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

#include "app/key_listing.h"
#include "app/routes.h"
#include "app/wire_results.h"
#include "util/json_writer.h"
#include "util/rfc3339.h"
#include "util/strings.h"

namespace repram {
namespace {

namespace bhttp = boost::beast::http;
using http::RequestContext;
using http::Respond;
using http::Response;

constexpr std::string_view kDataPrefix = "/v1/data/";

#ifndef REPRAM_VERSION
#define REPRAM_VERSION "0.0.0"
#endif
#ifndef REPRAM_GIT_COMMIT
#define REPRAM_GIT_COMMIT "unknown"
#endif
#ifndef REPRAM_BUILD_TYPE
#define REPRAM_BUILD_TYPE "unknown"
#endif

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

void AddEntryHeaders(Response& r, const StoredEntry& e, int64_t remaining) {
  r.headers.emplace_back("X-Created-At", FormatRfc3339Millis(e.created_at));
  r.headers.emplace_back("X-Original-TTL", std::to_string(e.ttl_seconds));
  r.headers.emplace_back("X-Remaining-TTL", std::to_string(remaining));
}

void HandlePut(const ClientApiDeps& d, const RequestContext& ctx, Respond respond) {
  auto key = DecodeDataKey(ctx.path.substr(kDataPrefix.size()));
  if (!key.ok()) return respond(http::TextResponse(400, key.status().message()));
  std::optional<std::string_view> header_ttl;
  if (auto it = ctx.req.find("X-TTL"); it != ctx.req.end()) header_ttl = http::ToStd(it->value());
  const int64_t ttl =
      ResolveTtl(d.data.ttl_bounds(), http::QueryParam(ctx.query, "ttl"), header_ttl);
  d.data.Write(
      std::move(key).value(), ctx.req.body(), ttl,
      [respond = std::move(respond)](const WriteOutcome& o) { respond(WriteResponse(o)); });
}

void HandleGetOrHead(const ClientApiDeps& d, const RequestContext& ctx, const Respond& respond) {
  auto key = DecodeDataKey(ctx.path.substr(kDataPrefix.size()));
  if (!key.ok()) return respond(http::TextResponse(400, key.status().message()));
  const bool head = ctx.req.method() == bhttp::verb::head;
  auto entry = d.data.Read(*key);  // HEAD announces the value's length, so it reads it too
  Response r;
  if (!entry) {
    r.status = 404;
    r.omit_body = head;
    return respond(std::move(r));
  }
  r.content_type = "application/octet-stream";
  AddEntryHeaders(r, *entry, d.data.RemainingSeconds(*entry));
  if (head) {
    r.omit_body = true;
    r.head_content_length = entry->value.size();
  } else {
    r.body = std::move(entry->value);
  }
  respond(std::move(r));
}

void HandleKeys(const ClientApiDeps& d, const RequestContext& ctx, const Respond& respond) {
  const std::string prefix = http::QueryParam(ctx.query, "prefix").value_or("");
  const std::string cursor = http::QueryParam(ctx.query, "cursor").value_or("");
  int64_t limit = 0;
  if (auto l = http::QueryParam(ctx.query, "limit")) limit = ParseStrictInt(*l).value_or(0);
  // A listing that fits in one part is answered with a length; a larger one is streamed.
  auto body = std::make_shared<KeyListingBody>(d.data.store(), prefix, cursor, limit);
  Response r;
  r.content_type = "application/json";
  if (body->Next(r.body)) r.stream = std::move(body);
  respond(std::move(r));
}

void HandleHealth(const ClientApiDeps& d, const RequestContext&, const Respond& respond) {
  JsonWriter w;
  w.BeginObject()
      .String("status", "healthy")
      .String("node_id", d.identity.node_id)
      .String("network", d.identity.network)
      .String("enclave", d.identity.enclave)
      .EndObject();
  respond(http::JsonResponse(200, w.Take()));
}

void HandleStatus(const ClientApiDeps& d, const RequestContext&, const Respond& respond) {
  const auto uptime =
      std::chrono::duration_cast<std::chrono::seconds>(d.clock.Now() - d.identity.started);
  JsonWriter w;
  w.BeginObject()
      .String("status", "healthy")
      .String("node_id", d.identity.node_id)
      .String("network", d.identity.network)
      .String("enclave", d.identity.enclave)
      .String("version", REPRAM_VERSION)
      .Int("uptime_seconds", uptime.count())
      .String("role", d.identity.role)
      .Int("peers", static_cast<int64_t>(d.cluster.Peers().size()))
      .Int("keys", static_cast<int64_t>(d.data.store().entry_count()))
      .Int("bytes", static_cast<int64_t>(d.data.store().payload_bytes()))
      .Int("memory_rss_bytes", static_cast<int64_t>(ResidentBytes()))
      .BeginObject("build")
      .String("commit", REPRAM_GIT_COMMIT)
      .String("compiler", "g++ " __VERSION__)
      .String("build_type", REPRAM_BUILD_TYPE)
      .EndObject()
      .EndObject();
  respond(http::JsonResponse(200, w.Take()));
}

void HandleTopology(const ClientApiDeps& d, const RequestContext&, const Respond& respond) {
  const TreeView tree = d.tree ? d.tree() : TreeView{};
  JsonWriter w;
  w.BeginObject()
      .String("node_id", d.identity.node_id)
      .String("enclave", d.identity.enclave)
      .String("role", d.identity.role)
      .BeginArray("peers");
  for (const PeerView& p : d.cluster.Peers()) {
    w.BeginObject()
        .String("id", p.id)
        .String("address", p.address)
        .Int("http_port", p.http_port)
        .String("enclave", p.enclave)
        .EndObject();
  }
  w.EndArray().BeginArray("children");
  for (const auto& [id, enclave] : tree.children) {
    w.BeginObject().String("id", id).String("enclave", enclave).EndObject();
  }
  w.EndArray();
  if (tree.parent_id) w.String("parent_id", *tree.parent_id);
  w.EndObject();
  respond(http::JsonResponse(200, w.Take()));
}

void HandleMetrics(const ClientApiDeps& d, const RequestContext&, const Respond& respond) {
  std::string out;
  PrometheusWriter w(out);
  const TtlStore& store = d.data.store();
  w.Family("repram_storage_entries", "gauge", "Entries held.");
  w.Sample("repram_storage_entries", "", store.entry_count());
  w.Family("repram_storage_bytes", "gauge", "Payload bytes held (the capacity measure).");
  w.Sample("repram_storage_bytes", "", store.payload_bytes());
  w.Family("repram_storage_overhead_bytes", "gauge", "Estimated bookkeeping bytes.");
  w.Sample("repram_storage_overhead_bytes", "", store.overhead_bytes());
  w.Family("repram_storage_capacity_bytes", "gauge", "Payload capacity in bytes; 0 = unlimited.");
  w.Sample("repram_storage_capacity_bytes", "", store.capacity_bytes());
  d.data.RenderMetrics(w);
  d.cluster.RenderMetrics(w);
  w.Family("repram_rate_limited_requests_total", "counter",
           "Requests refused by the client rate limit.");
  w.Sample("repram_rate_limited_requests_total", "", d.client_limiter.refused());
  w.Family("repram_peer_rate_limited_requests_total", "counter",
           "Requests refused by the peer rate limit.");
  w.Sample("repram_peer_rate_limited_requests_total", "", d.peer_limiter.refused());
  d.http_metrics.Render(w);
  if (d.extra_metrics) d.extra_metrics(w);
  w.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  w.Sample("process_resident_memory_bytes", "", ResidentBytes());
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = std::move(out);
  respond(std::move(r));
}

http::RouteSpec GetRoute(RouteId id, std::string path, http::Handler h) {
  http::RouteSpec spec =
      MakeRoute(id, std::move(path), Audience::kClient, {bhttp::verb::get, bhttp::verb::options});
  spec.handler = std::move(h);
  return spec;
}

}  // namespace

void AddClientRoutes(http::RouteTable& routes, const ClientApiDeps& deps) {
  // The deps live in the closure; the route table outlives no component it refers to.
  auto d = std::make_shared<const ClientApiDeps>(deps);
  http::RouteSpec data =
      MakeRoute(RouteId::kData, std::string(kDataPrefix), Audience::kClient,
                {bhttp::verb::get, bhttp::verb::head, bhttp::verb::put, bhttp::verb::options});
  data.is_prefix = true;
  data.handler = [d](const RequestContext& ctx, Respond respond) {
    if (ctx.req.method() == bhttp::verb::put) return HandlePut(*d, ctx, std::move(respond));
    HandleGetOrHead(*d, ctx, respond);
  };
  routes.Add(std::move(data));
  const auto bind = [d](auto fn) {
    return [d, fn](const RequestContext& ctx, Respond respond) { fn(*d, ctx, std::move(respond)); };
  };
  routes.Add(GetRoute(RouteId::kKeys, "/v1/keys", bind(HandleKeys)));
  routes.Add(GetRoute(RouteId::kHealth, "/v1/health", bind(HandleHealth)));
  routes.Add(GetRoute(RouteId::kStatus, "/v1/status", bind(HandleStatus)));
  routes.Add(GetRoute(RouteId::kTopology, "/v1/topology", bind(HandleTopology)));
  routes.Add(GetRoute(RouteId::kMetrics, "/v1/metrics", bind(HandleMetrics)));
}

}  // namespace repram
