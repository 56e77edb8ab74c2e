#include "app/cluster_adapters.h"

#include "app/routes.h"
#include "app/wire_results.h"
#include "cluster/catchup_codec.h"
#include "cluster/gossip_batch.h"

namespace repram {
namespace {

namespace bhttp = boost::beast::http;

std::string_view HeaderValue(const http::Request& req, std::string_view name) {
  auto it = req.find(boost::beast::string_view(name.data(), name.size()));
  return it == req.end() ? std::string_view() : http::ToStd(it->value());
}

http::RouteSpec PeerRoute(RouteId id, std::string_view path) {
  return MakeRoute(id, std::string(path), Audience::kPeer,
                   {bhttp::verb::post, bhttp::verb::options});
}

}  // namespace

void HttpTransport::Post(cluster::OutboundRequest req,
                         std::function<void(cluster::TransportResult)> done) {
  http::ClientRequest out;
  out.host = std::move(req.host);
  out.port = req.port;
  out.target = std::string(req.path);
  out.body = std::move(req.body);
  out.headers = cluster::HeadersOf(std::move(req));  // takes the signature over
  out.want_headers = false;  // a peer's answer is judged by its status alone
  client_.Send(std::move(out), [done = std::move(done)](http::ClientResult r) {
    cluster::TransportResult result;
    result.transport_error = static_cast<bool>(r.ec);
    result.status = static_cast<int>(r.status);
    result.body = std::move(r.body);
    done(std::move(result));
  });
}

std::vector<PeerView> ClusterNodePort::Peers() const {
  std::vector<PeerView> out;
  for (const cluster::NodeInfo& n : node_.Peers()) {
    out.push_back({n.id, n.address, n.http_port, n.enclave});
  }
  return out;
}

void AddPeerRoutes(http::RouteTable& routes, cluster::ClusterNode& node) {
  http::RouteSpec gossip = PeerRoute(RouteId::kGossip, cluster::kGossipPath);
  gossip.handler = [&node](const http::RequestContext& ctx, const http::Respond& respond) {
    const bool full = HeaderValue(ctx.req, cluster::kFanoutHeader) == cluster::kFanoutFull;
    respond(PeerResponse(
        node.HandleGossip(ctx.req.body(), HeaderValue(ctx.req, cluster::kSignatureHeader), full)));
  };
  routes.Add(std::move(gossip));

  http::RouteSpec batch = PeerRoute(RouteId::kGossipBatch, cluster::kGossipBatchPath);
  batch.handler = [&node](const http::RequestContext& ctx, const http::Respond& respond) {
    const bool full = HeaderValue(ctx.req, cluster::kFanoutHeader) == cluster::kFanoutFull;
    respond(PeerResponse(node.HandleGossipBatch(
        ctx.req.body(), HeaderValue(ctx.req, cluster::kSignatureHeader), full)));
  };
  routes.Add(std::move(batch));

  http::RouteSpec bootstrap = PeerRoute(RouteId::kBootstrap, cluster::kBootstrapPath);
  bootstrap.before_body = [&node](const http::RequestContext&) -> std::optional<http::Response> {
    if (auto gate = node.BootstrapGate()) {
      http::Response r = PeerResponse(*gate);
      r.close = true;  // the body was not read
      return r;
    }
    return std::nullopt;
  };
  bootstrap.handler = [&node](const http::RequestContext& ctx, const http::Respond& respond) {
    respond(PeerResponse(
        node.HandleBootstrap(ctx.req.body(), HeaderValue(ctx.req, cluster::kSignatureHeader))));
  };
  routes.Add(std::move(bootstrap));

  http::RouteSpec catchup = PeerRoute(RouteId::kCatchup, cluster::kCatchupPath);
  // The body is moved to the background worker, which builds the page and answers from there.
  catchup.handler = [&node](const http::RequestContext& ctx, http::Respond respond) {
    node.HandleCatchup(std::string(ctx.req.body()),
                       std::string(HeaderValue(ctx.req, cluster::kSignatureHeader)),
                       [respond = std::move(respond)](const cluster::PeerReply& reply) {
                         respond(PeerResponse(reply));
                       });
  };
  routes.Add(std::move(catchup));
}

void AddAntiEntropyRoutes(http::RouteTable& routes, cluster::AntiEntropy& ae) {
  using Handle =
      void (cluster::AntiEntropy::*)(std::string, std::string, cluster::AntiEntropy::Reply);
  const std::tuple<RouteId, std::string_view, Handle> kRoutes[] = {
      {RouteId::kAntiEntropyDigest, cluster::kAntiEntropyDigestPath,
       &cluster::AntiEntropy::HandleDigest},
      {RouteId::kAntiEntropyDiff, cluster::kAntiEntropyDiffPath, &cluster::AntiEntropy::HandleDiff},
      {RouteId::kAntiEntropyPush, cluster::kAntiEntropyPushPath, &cluster::AntiEntropy::HandlePush},
  };
  for (const auto& [id, path, handle] : kRoutes) {
    http::RouteSpec spec = PeerRoute(id, path);
    // The body is moved to the anti-entropy worker; the answer comes back from there.
    spec.handler = [&ae, handle](const http::RequestContext& ctx, http::Respond respond) {
      (ae.*handle)(std::string(ctx.req.body()),
                   std::string(HeaderValue(ctx.req, cluster::kSignatureHeader)),
                   [respond = std::move(respond)](const cluster::PeerReply& reply) {
                     respond(PeerResponse(reply));
                   });
    };
    routes.Add(std::move(spec));
  }
}

}  // namespace repram
