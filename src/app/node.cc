#include "app/node.h"

#include <spdlog/spdlog.h>
#include <thread>

#include "app/standalone_cluster.h"

namespace repram {

namespace {
constexpr auto kReclaimPeriod = std::chrono::milliseconds(250);
constexpr auto kLimiterCleanupPeriod = std::chrono::minutes(5);
constexpr auto kDrain = std::chrono::seconds(10);
}  // namespace

Node::Node(Config config) : config_(std::move(config)), clock_(SystemClock::Instance()) {
  const size_t threads = config_.threads > 0 ? static_cast<size_t>(config_.threads)
                                             : std::max(1u, std::thread::hardware_concurrency());
  store_ = std::make_unique<TtlStore>(clock_, static_cast<uint64_t>(config_.max_storage_mb) << 20);
  pool_ = std::make_unique<http::IoPool>(threads);
  scheduler_ = std::make_unique<http::AsioScheduler>(pool_->context(0), clock_);
  http_metrics_ = std::make_unique<http::HttpMetrics>(threads);
  client_limiter_ = std::make_unique<http::RateLimiter>(clock_, config_.rate_limit);
  peer_limiter_ = std::make_unique<http::RateLimiter>(clock_, config_.peer_rate_limit);
  client_ = std::make_unique<http::HttpClient>(pool_->context(0),
                                               "repram-cpp/" REPRAM_VERSION);
  cluster_ = std::make_unique<StandaloneCluster>();
  data_ = std::make_unique<DataService>(
      clock_, *store_, *cluster_, TtlPolicy{config_.default_ttl, config_.min_ttl, config_.max_ttl});
  AddClientRoutes(routes_, ClientApiDeps{
                               .clock = clock_,
                               .data = *data_,
                               .cluster = *cluster_,
                               .http_metrics = *http_metrics_,
                               .identity = {.node_id = config_.node_id,
                                            .network = config_.public_network ? "public" : "private",
                                            .enclave = config_.enclave,
                                            .role = config_.inbound ? "substrate" : "transient",
                                            .started = clock_.Now()},
                               .extra_metrics = {},
                           });
  server_ = std::make_unique<http::HttpServer>(
      *pool_, routes_, *client_limiter_, *peer_limiter_, *http_metrics_,
      http::ServerOptions{.bind = config_.bind, .port = config_.http_port,
                          .trust_proxy = config_.trust_proxy});
}

Node::~Node() { Shutdown(); }

Result<uint16_t> Node::Start() {
  auto port = server_->Listen();
  if (!port.ok()) return port;
  pool_->Start();
  server_->Start();
  ScheduleReclaim();
  ScheduleLimiterCleanup();
  spdlog::info("Listening on {}:{}", config_.bind, *port);
  return port;
}

void Node::ScheduleReclaim() {
  reclaim_task_ = scheduler_->After(kReclaimPeriod, [this] {
    store_->ReclaimExpired();
    ScheduleReclaim();
  });
}

void Node::ScheduleLimiterCleanup() {
  limiter_task_ = scheduler_->After(kLimiterCleanupPeriod, [this] {
    client_limiter_->DropIdle();
    peer_limiter_->DropIdle();
    ScheduleLimiterCleanup();
  });
}

void Node::Shutdown() {
  if (stopped_) return;
  stopped_ = true;
  spdlog::info("Shutting down \xE2\x80\x94 draining in-flight requests...");
  if (const size_t left = server_->Shutdown(kDrain); left > 0) {
    spdlog::warn("{} connections still open after the drain; closing them", left);
  }
  reclaim_task_.reset();
  limiter_task_.reset();
  client_->Shutdown();
  pool_->Stop();
  spdlog::info("Shutdown complete.");
}

}  // namespace repram
