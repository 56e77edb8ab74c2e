#include "app/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <limits>
#include <thread>

#include "app/dashboard_routes.h"
#include "app/routes.h"
#include "http/fd_limit.h"
#include "util/host_port.h"

namespace repram {

namespace {
constexpr auto kReclaimPeriod = std::chrono::milliseconds(250);
constexpr auto kLimiterCleanupPeriod = std::chrono::minutes(5);
}  // namespace

Node::Node(Config config) : config_(std::move(config)), clock_(SystemClock::Instance()) {
  const size_t threads = config_.threads > 0 ? static_cast<size_t>(config_.threads)
                                             : std::max(1u, std::thread::hardware_concurrency());
  store_ = std::make_unique<TtlStore>(clock_, static_cast<uint64_t>(config_.max_storage_mb) << 20);
  pool_ = std::make_unique<http::IoPool>(threads, std::chrono::microseconds(config_.io_spin_us));
  scheduler_ = std::make_unique<http::AsioScheduler>(pool_->context(0), clock_);
  http_metrics_ = std::make_unique<http::HttpMetrics>(threads, RouteLabels());
  client_limiter_ = std::make_unique<http::RateLimiter>(clock_, config_.rate_limit);
  peer_limiter_ = std::make_unique<http::RateLimiter>(clock_, config_.peer_rate_limit);
  std::vector<boost::asio::io_context*> contexts;
  for (size_t i = 0; i < pool_->size(); ++i) contexts.push_back(&pool_->context(i));
  client_ = std::make_unique<http::HttpClient>(contexts, "repram-cpp/" REPRAM_VERSION);
  transport_ = std::make_unique<HttpTransport>(*client_);
  replica_sink_ = std::make_unique<StoreReplicaSink>(*store_);
  trust_ = std::make_unique<NodeTrust>(config_);
  const uint64_t fd_limit = http::RaiseFdLimit();
  const size_t max_connections = config_.max_connections > 0
                                     ? static_cast<size_t>(config_.max_connections)
                                     : http::DefaultMaxConnections(fd_limit);
  spdlog::info("At most {} open HTTP connections (REPRAM_MAX_CONNECTIONS; descriptor limit {})",
               max_connections, fd_limit);
  server_ = std::make_unique<http::HttpServer>(
      *pool_, routes_, RateBuckets(*client_limiter_, *peer_limiter_), *http_metrics_,
      http::ServerOptions{.bind = config_.bind,
                          .port = config_.http_port,
                          .trust_proxy = config_.trust_proxy,
                          .max_connections = max_connections,
                          .fixed_headers = std::string(kFixedResponseHeaders)});
}

Node::~Node() { Shutdown(); }

void Node::BuildCluster(uint16_t http_port) {
  cluster::ClusterConfig cc;
  cc.node_id = config_.node_id;
  cc.address = config_.address;
  cc.http_port = http_port;
  cc.gossip_port =
      config_.mcp_embedded && !config_.gossip_port_set ? http_port : config_.gossip_port;
  cc.enclave = config_.enclave;
  cc.replication = static_cast<int>(config_.replication);
  cc.min_ttl = config_.min_ttl;
  cc.max_ttl = config_.max_ttl;
  cc.write_timeout = std::chrono::seconds(config_.write_timeout_s);
  cc.ping_interval = config_.ping_interval;
  cc.sync_interval = config_.sync_interval;
  cc.isolation_interval = config_.isolation_interval;
  cc.isolation_max_backoff = std::chrono::seconds(config_.isolation_max_backoff_s);
  cc.isolation_threshold = static_cast<size_t>(config_.isolation_threshold);
  cc.full_fanout_max = static_cast<size_t>(config_.full_fanout_max);
  cc.gossip_batch = config_.gossip_batch;
  cc.secret = config_.cluster_secret;
  cc.seeds = trust_->StartupSeeds();
  cluster::ClusterHooks hooks;
  trust_->AddHooks(hooks);
  hooks.on_peer_evicted = [client = client_.get()](const cluster::NodeInfo& peer) {
    client->DropPool(peer.address, peer.http_port);
  };
  // anti_entropy_ is built right after the cluster node, before any thread can call this.
  hooks.on_peer_rejoined = [this](const cluster::NodeInfo& peer) {
    anti_entropy_->OnPeerRejoined(peer);
  };
  cluster::WsRelay* const relay = BuildTree(cc);
  cluster_node_ = std::make_unique<cluster::ClusterNode>(
      std::move(cc),
      cluster::ClusterDeps{
          .scheduler = *scheduler_,
          .rng = rng_,
          .transport = *transport_,
          .store = *replica_sink_,
          .recovery_seeds = trust_->recovery_seeds(),
          .ws_relay = relay,
          .catchup_store = store_.get(),
          .background = [this](std::function<void()> work) { RunInBackground(std::move(work)); }},
      std::move(hooks));
  tree_port_->Bind(cluster_node_.get());
  cluster_ = std::make_unique<ClusterNodePort>(*cluster_node_);
  BuildAntiEntropy();
}

cluster::WsRelay* Node::BuildTree(const cluster::ClusterConfig& cc) {
  tree::TreeOptions options;
  options.self = cluster::NodeInfo{cc.node_id, cc.address, cc.gossip_port, cc.http_port,
                                   cluster::NormalizeEnclave(cc.enclave)};
  options.secret = cc.secret;
  options.max_children = static_cast<int>(
      std::clamp<int64_t>(config_.max_children, -1, std::numeric_limits<int>::max()));
  options.write_timeout = cc.write_timeout;
  tree_port_ = std::make_unique<tree::ClusterNodePort>();
  if (config_.inbound) {
    substrate_ =
        std::make_unique<tree::Substrate>(options, *tree_port_, *scheduler_, tree_metrics_);
    return substrate_.get();
  }
  if (cc.seeds.empty()) return nullptr;  // a node without seeds has nothing to attach to
  // The link lives on the last context: context 0 also runs the acceptor and every timer.
  ws_dialer_ = std::make_unique<tree::BeastWsDialer>(
      [pool = pool_.get()]() -> boost::asio::io_context& {
        return pool->context(pool->size() - 1);
      },
      tree::WsConnectionLimits{});
  transient_ =
      std::make_unique<tree::Transient>(options, cc.seeds, trust_->recovery_seeds(), *tree_port_,
                                        *ws_dialer_, *scheduler_, tree_metrics_);
  return transient_.get();
}

void Node::AddWsRoute() {
  http::RouteSpec ws =
      MakeRoute(RouteId::kWs, "/v1/ws", Audience::kPeer, {boost::beast::http::verb::get});
  ws.answers_preflight = false;  // http-api.md §3 step 5: no preflight shortcut for /v1/ws
  ws.upgrade = [substrate = substrate_.get()](
                   boost::asio::ip::tcp::socket socket,
                   boost::beast::http::request<boost::beast::http::empty_body> req) {
    tree::WsConnection::Accept(std::move(socket), std::move(req), *substrate,
                               tree::WsConnectionLimits{});
  };
  routes_.Add(std::move(ws));
}

TreeView Node::TreeSnapshot() const {
  TreeView view;
  if (substrate_) {
    for (const tree::ChildRegistry::Child& child : substrate_->Children()) {
      view.children.emplace_back(child.id, child.enclave);
    }
  }
  if (transient_) view.parent_id = transient_->ParentId();
  return view;
}

void Node::RunInBackground(std::function<void()> work) {
  boost::asio::post(background_worker_, std::move(work));
}

void Node::BuildAntiEntropy() {
  const Duration interval = config_.anti_entropy_interval;
  anti_entropy_ = std::make_unique<cluster::AntiEntropy>(
      cluster::AntiEntropyConfig{.node_id = config_.node_id,
                                 .enclave = cluster::NormalizeEnclave(config_.enclave),
                                 .secret = config_.cluster_secret,
                                 .interval = interval,
                                 .tick = std::min<Duration>(interval, config_.ping_interval)},
      cluster::AntiEntropyDeps{
          .scheduler = *scheduler_,
          .rng = rng_,
          .transport = *transport_,
          .store = *store_,
          .peers = [node = cluster_node_.get()] { return node->SameEnclavePeers(); },
          .background = [this](std::function<void()> work) { RunInBackground(std::move(work)); }});
}

// trust.md §9: the listener opens only once the trust root is established. An ephemeral port is
// known only after binding, so REPRAM_HTTP_PORT=0 binds first; nothing is accepted before
// server_->Start() either way.
Result<uint16_t> Node::ListenAfterTrust() {
  const Status trust_failed =
      Status(StatusCode::kUnavailable, "omega bootstrap failed").MarkedLogged();
  if (config_.http_port == 0) {
    Result<uint16_t> port = server_->Listen();
    if (port.ok() && !trust_->Establish(*port)) return trust_failed;
    return port;
  }
  if (!trust_->Establish(config_.http_port)) return trust_failed;
  return server_->Listen();
}

Result<uint16_t> Node::Start() {
  auto port = ListenAfterTrust();
  if (!port.ok()) return port;
  BuildCluster(*port);
  data_ = std::make_unique<DataService>(clock_, *store_, *cluster_,
                                        TtlBounds{.min_seconds = config_.min_ttl,
                                                  .max_seconds = config_.max_ttl,
                                                  .default_seconds = config_.default_ttl});
  AddClientRoutes(routes_,
                  ClientApiDeps{
                      .clock = clock_,
                      .data = *data_,
                      .cluster = *cluster_,
                      .http_metrics = *http_metrics_,
                      .client_limiter = *client_limiter_,
                      .peer_limiter = *peer_limiter_,
                      .identity = {.node_id = config_.node_id,
                                   .network = config_.public_network ? "public" : "private",
                                   .enclave = config_.enclave,
                                   .role = config_.inbound ? "substrate" : "transient",
                                   .started = clock_.Now()},
                      .extra_metrics =
                          [trust = trust_.get(), anti_entropy = anti_entropy_.get(),
                           tree = &tree_metrics_, started = clock_.WallNow()](PrometheusWriter& w) {
                            w.Raw(tree->RenderPrometheus());
                            trust->RenderMetrics(w);
                            w.Raw(anti_entropy->RenderMetrics());
                            w.Family("process_start_time_seconds", "gauge",
                                     "Start time of the process, Unix seconds.");
                            w.Sample(
                                "process_start_time_seconds", "",
                                std::chrono::duration<double>(started.time_since_epoch()).count());
                          },
                      .tree = [this] { return TreeSnapshot(); },
                  });
  AddPeerRoutes(routes_, *cluster_node_);
  AddAntiEntropyRoutes(routes_, *anti_entropy_);
  node_api_ = std::make_unique<EmbeddedNodeApi>(*data_);
  mcp_server_ = std::make_unique<mcp::McpServer>(
      *node_api_, TtlBounds{.min_seconds = config_.min_ttl,
                            .max_seconds = config_.max_ttl,
                            .default_seconds = data_->ttl_bounds().Clamp(config_.default_ttl)});
  if (config_.mcp_http) AddMcpRoute();
  if (config_.ui) AddDashboardRoutes(routes_);
  // Only a substrate serves /v1/ws; on a transient the path does not exist (404, ws-tree.md §2).
  if (substrate_) AddWsRoute();
  pool_->Start();
  server_->Start();
  trust_->Start(*scheduler_);  // before the cluster: a failed join requests a refresh
  // A transient attaches 500 ms after the HTTP bootstrap (ws-tree.md §8.1).
  cluster_node_->Start([transient = transient_.get()] {
    if (transient != nullptr) transient->Start();
  });
  anti_entropy_->Start();
  ScheduleReclaim();
  ScheduleLimiterCleanup();
  spdlog::info("Listening on {}:{}", config_.bind, *port);
  // A wildcard bind is reached through the advertised address.
  const bool wildcard = config_.bind == "0.0.0.0" || config_.bind == "::";
  const std::string base =
      "http://" + FormatHostPort(wildcard ? config_.address : config_.bind, *port);
  if (config_.ui) {
    spdlog::info("Dashboard: {}/  Metrics: {}/v1/metrics", base, base);
  } else {
    spdlog::info("Metrics: {}/v1/metrics (dashboard off: REPRAM_UI=false)", base);
  }
  return port;
}

void Node::AddMcpRoute() {
  namespace bhttp = boost::beast::http;
  mcp_endpoint_ = std::make_unique<mcp::McpHttpEndpoint>(*mcp_server_);
  http::RouteSpec spec = MakeRoute(RouteId::kMcp, "/mcp", Audience::kClient,
                                   {bhttp::verb::post, bhttp::verb::options});
  spec.handler = [endpoint = mcp_endpoint_.get()](const http::RequestContext& ctx,
                                                  http::Respond respond) {
    mcp::McpHttpRequest req;
    req.method = std::string(http::ToStd(ctx.req.method_string()));
    if (auto it = ctx.req.find("MCP-Protocol-Version"); it != ctx.req.end()) {
      req.protocol_version = std::string(http::ToStd(it->value()));
    }
    req.body = ctx.req.body();
    endpoint->Handle(req, [respond = std::move(respond)](mcp::McpHttpResponse m) {
      http::Response r;
      r.status = m.status;
      for (auto& [name, value] : m.headers) {
        if (name == "Content-Type") {
          r.headers.emplace_back("Content-Type", std::move(value));
        } else if (name == "Allow") {
          r.headers.emplace_back("Allow", std::move(value));
        }
      }
      r.body = std::move(m.body);
      respond(std::move(r));
    });
  };
  routes_.Add(std::move(spec));
}

void Node::ScheduleReclaim() {
  MutexLock lock(tasks_mu_);  // the callback re-arms on an I/O thread; Shutdown resets
  if (tasks_stopped_) return;
  reclaim_task_ = scheduler_->After(kReclaimPeriod, [this] {
    store_->ReclaimExpired();
    ScheduleReclaim();
  });
}

void Node::ScheduleLimiterCleanup() {
  MutexLock lock(tasks_mu_);
  if (tasks_stopped_) return;
  limiter_task_ = scheduler_->After(kLimiterCleanupPeriod, [this] {
    client_limiter_->DropIdle();
    peer_limiter_->DropIdle();
    ScheduleLimiterCleanup();
  });
}

void Node::Shutdown(std::chrono::milliseconds drain) {
  if (stopped_) return;
  stopped_ = true;
  spdlog::info("Shutting down \xE2\x80\x94 draining in-flight requests...");
  if (const size_t left = server_->Shutdown(drain); left > 0) {
    spdlog::warn("{} connections still open after the drain; closing them", left);
  }
  // ws-tree.md §7.2: children get one goodbye, 500 ms, then close 1001; a transient closes its
  // parent and stops the reattach loop.
  if (substrate_) substrate_->Shutdown(std::chrono::milliseconds(500));
  if (transient_) transient_->Stop();
  if (cluster_node_) cluster_node_->Stop();
  if (anti_entropy_) anti_entropy_->Stop();
  background_worker_.join();  // its queued tasks are no-ops (or 503s) once stopped
  trust_->Stop();
  {
    MutexLock lock(tasks_mu_);
    tasks_stopped_ = true;
    reclaim_task_.reset();
    limiter_task_.reset();
  }
  client_->Shutdown();
  pool_->Stop();
  spdlog::info("Shutdown complete.");
}

}  // namespace repram
