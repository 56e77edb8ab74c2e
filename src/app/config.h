#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace repram {

// Every setting of the node (http-api.md §10). Field comments: env var, default, consequence.
struct Config {
  uint16_t http_port = 8080;          // REPRAM_HTTP_PORT; 0 = ephemeral, real port advertised
  std::string bind = "0.0.0.0";       // REPRAM_BIND
  uint16_t gossip_port = 9090;        // REPRAM_GOSSIP_PORT; advertised only
  bool gossip_port_set = false;       // unset in MCP embedded mode: advertise the real HTTP port
  bool mcp_embedded = false;          // built with ConfigProfile::kMcpEmbedded
  std::string address = "localhost";  // REPRAM_ADDRESS; what peers dial
  std::string node_id;                // REPRAM_NODE_ID; default node-<unix ns>
  bool public_network = true;         // REPRAM_NETWORK=public|private
  std::vector<std::string> peers;     // REPRAM_PEERS: valid "host:port" entries, trimmed
  std::string enclave = "default";    // REPRAM_ENCLAVE
  int64_t replication = 3;            // REPRAM_REPLICATION
  int64_t default_ttl = 1800;         // REPRAM_DEFAULT_TTL
  int64_t min_ttl = 300;              // REPRAM_MIN_TTL (< 300 only on private networks)
  int64_t max_ttl = 86400;            // REPRAM_MAX_TTL
  int64_t write_timeout_s = 5;        // REPRAM_WRITE_TIMEOUT, 1..60
  int64_t rate_limit = 100;           // REPRAM_RATE_LIMIT, client req/s per IP
  int64_t peer_rate_limit = 10000;    // REPRAM_PEER_RATE_LIMIT
  bool trust_proxy = false;           // REPRAM_TRUST_PROXY
  int64_t max_storage_mb = 0;         // REPRAM_MAX_STORAGE_MB; 0 = unlimited
  std::string cluster_secret;         // REPRAM_CLUSTER_SECRET; empty = open mode
  std::string log_level = "info";     // REPRAM_LOG_LEVEL
  bool inbound = false;               // REPRAM_INBOUND (WS substrate, ws-tree.md)
  int64_t max_children = 100;         // REPRAM_MAX_CHILDREN
  std::string cache_dir;              // REPRAM_CACHE_DIR; empty = trust module default (§8)
  std::string bootstrap_name = "_bootstrap.repram.io";  // REPRAM_BOOTSTRAP_NAME
  std::vector<std::string> dns_servers;                 // REPRAM_DNS_SERVERS: as REPRAM_PEERS
  std::string omega_pubkey;                        // REPRAM_OMEGA_PUBKEY; empty = compiled-in key
  int64_t isolation_threshold = 0;                 // REPRAM_ISOLATION_THRESHOLD
  int64_t isolation_max_backoff_s = 120;           // REPRAM_ISOLATION_MAX_BACKOFF, >= 30
  std::chrono::milliseconds ping_interval{30000};  // REPRAM_PING_INTERVAL
  std::chrono::milliseconds sync_interval{30000};  // REPRAM_SYNC_INTERVAL
  std::chrono::milliseconds isolation_interval{30000};     // REPRAM_ISOLATION_INTERVAL
  std::chrono::milliseconds anti_entropy_interval{60000};  // REPRAM_ANTI_ENTROPY_INTERVAL; 0 = off
  int64_t full_fanout_max = 32;                            // REPRAM_FULL_FANOUT_MAX
  bool gossip_batch = true;  // REPRAM_GOSSIP_BATCH: batch PUTs/ACKs to C++ peers (gossip-batch.md)
  int64_t threads = 0;       // REPRAM_THREADS; 0 = number of cores
  int64_t io_spin_us = 200;  // REPRAM_IO_SPIN_US: an idle I/O thread polls this long, then blocks
  int64_t max_connections = 0;        // REPRAM_MAX_CONNECTIONS; 0 = from the descriptor limit
  bool log_json = false;              // REPRAM_LOG_FORMAT=json
  bool mcp_http = true;               // REPRAM_MCP_HTTP
  bool ui = true;                     // REPRAM_UI; false = no dashboard at / and /ui/ (404)
  std::string url;                    // REPRAM_URL (repram mcp remote mode)
  std::vector<std::string> warnings;  // start-up warnings to log once logging is set up
};

// Which defaults apply: the server, or the node embedded in `repram mcp` (http-api.md §10).
enum class ConfigProfile { kServer, kMcpEmbedded };

// Builds the configuration from settings named by their REPRAM_* variable (flags and the
// environment merged by the caller; flags win). Returns the start-up error text on the first
// invalid value, e.g. `invalid REPRAM_HTTP_PORT: "abc"`.
Result<Config> BuildConfig(const std::map<std::string, std::string>& settings,
                           ConfigProfile profile);

// The REPRAM_* variables the node reads, with their flag names and help texts.
struct SettingSpec {
  const char* env;
  const char* flag;
  const char* help;
};
const std::vector<SettingSpec>& Settings();

// Variables of upstream that we do not read; a set one logs a warning.
const std::vector<const char*>& IgnoredVariables();

}  // namespace repram
