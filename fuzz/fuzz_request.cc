// Fuzzes the request pipeline after header parsing (http-api.md): the input is what a client
// sends on one connection. A real Session over an in-memory stream parses it and routes it to
// the real client API handlers over a real TtlStore, so target and query parsing, key decoding,
// TTL resolution, /v1/keys paging and X-Forwarded-For parsing (trust_proxy on) all run.
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <memory>
#include <string_view>

#include "app/client_api.h"
#include "app/cluster_port.h"
#include "app/data_service.h"
#include "app/routes.h"
#include "http/http_metrics.h"
#include "http/rate_limiter.h"
#include "http/route_table.h"
#include "http/session_impl.h"
#include "http/testing/stream_ref.h"
#include "store/ttl_store.h"
#include "util/fake_clock.h"

namespace {

using repram::http::StreamRef;

// A cluster of one that reports quorum for every write (replication is not under test).
class NoPeers final : public repram::ClusterPort {
 public:
  void Replicate(std::string_view, std::string_view, int64_t,
                 std::function<void(bool)> done) override {
    done(true);
  }
  std::vector<repram::PeerView> Peers() const override { return {}; }
  void RenderMetrics(repram::PrometheusWriter&) const override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::asio::io_context ioc;
  boost::beast::test::stream server(ioc);
  boost::beast::test::stream client(ioc);
  client.connect(server);
  repram::FakeClock clock;
  repram::TtlStore store(clock, 1 << 20);
  NoPeers cluster;
  repram::DataService service(clock, store, cluster, repram::TtlBounds{});
  repram::http::HttpMetrics metrics(1, repram::RouteLabels());
  repram::http::RateLimiter client_limiter(clock, 1000);
  repram::http::RateLimiter peer_limiter(clock, 1000);
  const std::vector<repram::http::RateLimiter*> limiters =
      repram::RateBuckets(client_limiter, peer_limiter);
  repram::http::RouteTable routes;
  repram::AddClientRoutes(routes, repram::ClientApiDeps{.clock = clock,
                                                        .data = service,
                                                        .cluster = cluster,
                                                        .http_metrics = metrics,
                                                        .client_limiter = client_limiter,
                                                        .peer_limiter = peer_limiter,
                                                        .identity = {.node_id = "fuzz"},
                                                        .extra_metrics = {},
                                                        .tree = {}});
  repram::http::ServerOptions options;
  options.trust_proxy = true;
  options.fixed_headers = std::string(repram::kFixedResponseHeaders);
  const repram::http::SessionEnv env{routes, limiters, metrics, options};
  auto registry = std::make_shared<repram::http::SessionRegistry>(ioc);
  std::make_shared<repram::http::BasicSession<StreamRef>>(ioc, StreamRef(server), env, registry, 0,
                                                          "10.0.0.7")
      ->Start();
  boost::asio::write(client, boost::asio::buffer(data, size));
  client.close();  // the session reads to the end of the input, then sees end of stream
  ioc.run();
  return 0;
}
