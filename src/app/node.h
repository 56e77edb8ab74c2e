#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>

#include "app/client_api.h"
#include "app/cluster_adapters.h"
#include "app/cluster_port.h"
#include "app/config.h"
#include "app/data_service.h"
#include "app/embedded_node_api.h"
#include "app/node_trust.h"
#include "http/asio_scheduler.h"
#include "http/client.h"
#include "http/http_metrics.h"
#include "http/io_pool.h"
#include "http/rate_limiter.h"
#include "http/route_table.h"
#include "http/server.h"
#include "mcp/http_endpoint.h"
#include "mcp/mcp_server.h"
#include "store/ttl_store.h"
#include "tree/substrate.h"
#include "tree/transient.h"
#include "tree/tree_metrics.h"
#include "tree/ws_connection.h"
#include "util/mutex.h"
#include "util/rng.h"
#include "util/status.h"

namespace repram {

// One REPRAM node: owns every component, builds them in dependency order and stops them in
// reverse. Start/Shutdown are called from the main thread; everything else runs on the IoPool.
//
// The cluster and the routes are built in Start(), once the bound port is known (it is
// advertised to peers). On the public network without REPRAM_PEERS the omega start-up flow
// (trust.md §9) runs first, on the main thread, before the listener opens.
// Shutdown order: stop accepting and drain HTTP (in-flight PUTs finish or time out) -> stop the
// cluster's timers -> stop the omega refresher -> stop periodic store/limiter tasks -> close
// outbound connections -> stop the I/O threads -> destroy components (reverse of construction).
class Node {
 public:
  explicit Node(Config config);
  ~Node();

  // Establishes the trust root, binds the listener, starts the I/O threads, the timers and the
  // cluster. Returns the bound HTTP port, or the start-up error; a failed omega flow returns one
  // marked logged() (NodeTrust logged the "Omega bootstrap failed: ..." lines).
  Result<uint16_t> Start();
  // Graceful stop: waits at most `drain` for in-flight requests (10 s for a server node,
  // http-api.md §12; 2 s for the MCP-embedded node, mcp.md §3.1). Idempotent.
  void Shutdown(std::chrono::milliseconds drain = std::chrono::seconds(10));

  // The node's MCP server (tools acting on this node). REQUIRES: Start() succeeded.
  const mcp::McpServer& mcp_server() const { return *mcp_server_; }

 private:
  Result<uint16_t> ListenAfterTrust();
  void BuildCluster(uint16_t http_port);
  void BuildAntiEntropy();
  // Queues work on background_worker_ (anti-entropy, catch-up pages).
  void RunInBackground(std::function<void()> work);
  // Builds the WS tree role of this node (ws-tree.md §1) and returns it as the cluster's relay.
  cluster::WsRelay* BuildTree(const cluster::ClusterConfig& cc);
  // GET /v1/ws on a substrate: the upgrade hand-off to the tree.
  void AddWsRoute();
  // The tree's children and parent for /v1/topology.
  TreeView TreeSnapshot() const;
  void AddMcpRoute();
  void ScheduleReclaim();
  void ScheduleLimiterCleanup();

  Config config_;
  const Clock& clock_;
  std::unique_ptr<TtlStore> store_;
  std::unique_ptr<http::IoPool> pool_;
  std::unique_ptr<http::AsioScheduler> scheduler_;
  std::unique_ptr<http::HttpMetrics> http_metrics_;
  std::unique_ptr<http::RateLimiter> client_limiter_;
  std::unique_ptr<http::RateLimiter> peer_limiter_;
  std::unique_ptr<http::HttpClient> client_;
  DefaultRng rng_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<StoreReplicaSink> replica_sink_;
  std::unique_ptr<NodeTrust> trust_;
  // The WS tree: a substrate (REPRAM_INBOUND) or a transient, built before the cluster node it
  // serves as WsRelay; tree_port_ is bound to the cluster node once that exists.
  tree::TreeMetrics tree_metrics_;
  std::unique_ptr<tree::ClusterNodePort> tree_port_;
  std::unique_ptr<tree::Substrate> substrate_;
  std::unique_ptr<tree::BeastWsDialer> ws_dialer_;
  std::unique_ptr<tree::Transient> transient_;
  std::unique_ptr<cluster::ClusterNode> cluster_node_;
  // Anti-entropy (scans, hashes) and the catch-up source (page scans and encoding) work on this
  // thread, never on an I/O thread.
  boost::asio::thread_pool background_worker_{1};
  std::unique_ptr<cluster::AntiEntropy> anti_entropy_;
  std::unique_ptr<ClusterPort> cluster_;
  std::unique_ptr<DataService> data_;
  std::unique_ptr<EmbeddedNodeApi> node_api_;
  std::unique_ptr<mcp::McpServer> mcp_server_;
  std::unique_ptr<mcp::McpHttpEndpoint> mcp_endpoint_;
  http::RouteTable routes_;
  std::unique_ptr<http::HttpServer> server_;
  Mutex tasks_mu_;
  bool tasks_stopped_ GUARDED_BY(tasks_mu_) = false;
  std::unique_ptr<Scheduler::Task> reclaim_task_ GUARDED_BY(tasks_mu_);
  std::unique_ptr<Scheduler::Task> limiter_task_ GUARDED_BY(tasks_mu_);
  bool stopped_ = false;
};

}  // namespace repram
