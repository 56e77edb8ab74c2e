#include "app/config.h"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <chrono>

#include "util/host_port.h"
#include "util/limits.h"
#include "util/strings.h"

namespace repram {
namespace {

std::string Invalid(const std::string& var, const std::string& value) {
  return fmt::format("invalid {}: \"{}\"", var, value);
}

// Reads settings by variable name; empty means unset (http-api.md §10).
class SettingReader {
 public:
  explicit SettingReader(const std::map<std::string, std::string>& s) : s_(s) {}

  std::optional<std::string> Get(const std::string& var) const {
    auto it = s_.find(var);
    if (it == s_.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }
  // Integer in [lo, hi]; error names the variable.
  Status Int(const std::string& var, int64_t lo, int64_t hi, int64_t& out) const {
    auto v = Get(var);
    if (!v) return Status::Ok();
    auto parsed = ParseStrictInt(*v);
    if (!parsed || *parsed < lo || *parsed > hi) {
      return Status(StatusCode::kInvalidArgument, Invalid(var, *v));
    }
    out = *parsed;
    return Status::Ok();
  }
  Status Seconds(const std::string& var, std::chrono::milliseconds& out) const {
    auto v = Get(var);
    if (!v) return Status::Ok();
    auto parsed = ParsePositiveSeconds(*v);
    if (!parsed || *parsed * 1000 < 1)
      return Status(StatusCode::kInvalidArgument, Invalid(var, *v));
    out = std::chrono::milliseconds(static_cast<int64_t>(*parsed * 1000));
    return Status::Ok();
  }
  // Like Seconds, but "0" turns the feature off (out = 0).
  Status SecondsOrOff(const std::string& var, std::chrono::milliseconds& out) const {
    if (auto v = Get(var); v && *v == "0") {
      out = std::chrono::milliseconds(0);
      return Status::Ok();
    }
    return Seconds(var, out);
  }
  void Bool(const std::string& var, bool& out) const {
    if (auto v = Get(var)) out = AsciiLower(*v) == "true";
  }
  void String(const std::string& var, std::string& out) const {
    if (auto v = Get(var)) out = *v;
  }
  // Reads a CSV of "host:port" entries (HostCheck::kValidated), kept as trimmed text.
  Status HostPorts(const std::string& var, std::vector<std::string>& out) const {
    auto v = Get(var);
    if (!v) return Status::Ok();
    std::string_view rest = *v;
    while (true) {
      const size_t comma = rest.find(',');
      const auto item = TrimSpace(rest.substr(0, comma));
      if (!item.empty()) {
        if (!ParseHostPort(item, HostCheck::kValidated)) {
          return Status(StatusCode::kInvalidArgument, Invalid(var, std::string(item)));
        }
        out.emplace_back(item);
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return Status::Ok();
  }

 private:
  const std::map<std::string, std::string>& s_;
};

}  // namespace

Result<Config> BuildConfig(const std::map<std::string, std::string>& settings,
                           ConfigProfile profile) {
  const SettingReader r(settings);
  Config c;
  const bool embedded = profile == ConfigProfile::kMcpEmbedded;
  if (embedded) {
    c.mcp_embedded = true;
    c.http_port = 0;
    c.bind = "127.0.0.1";
    c.public_network = false;
    c.max_storage_mb = 50;
    c.log_level = "warn";
  }
  int64_t port = c.http_port;
  int64_t gossip_port = c.gossip_port;
  for (Status s : {
           r.Int("REPRAM_HTTP_PORT", 0, 65535, port),
           r.Int("REPRAM_GOSSIP_PORT", 0, 65535, gossip_port),
           r.Int("REPRAM_REPLICATION", 1, INT64_MAX, c.replication),
           r.Int("REPRAM_DEFAULT_TTL", 1, INT64_MAX, c.default_ttl),
           r.Int("REPRAM_MIN_TTL", 1, INT64_MAX, c.min_ttl),
           r.Int("REPRAM_MAX_TTL", 1, kMaxTtlSeconds, c.max_ttl),
           r.Int("REPRAM_WRITE_TIMEOUT", 1, 60, c.write_timeout_s),
           r.Int("REPRAM_RATE_LIMIT", 0, INT64_MAX / 4, c.rate_limit),
           r.Int("REPRAM_PEER_RATE_LIMIT", 0, INT64_MAX / 4, c.peer_rate_limit),
           r.Int("REPRAM_MAX_STORAGE_MB", 0, INT64_MAX / (1 << 20), c.max_storage_mb),
           r.Int("REPRAM_MAX_CHILDREN", INT64_MIN, INT64_MAX, c.max_children),
           r.Int("REPRAM_ISOLATION_THRESHOLD", 0, INT64_MAX, c.isolation_threshold),
           r.Int("REPRAM_ISOLATION_MAX_BACKOFF", 30, INT64_MAX / 1000, c.isolation_max_backoff_s),
           r.Int("REPRAM_FULL_FANOUT_MAX", 1, INT64_MAX, c.full_fanout_max),
           r.Int("REPRAM_THREADS", 1, 1024, c.threads),
           r.Int("REPRAM_IO_SPIN_US", 0, 1000000, c.io_spin_us),
           r.Int("REPRAM_MAX_CONNECTIONS", 0, INT64_MAX, c.max_connections),
           r.Seconds("REPRAM_PING_INTERVAL", c.ping_interval),
           r.Seconds("REPRAM_SYNC_INTERVAL", c.sync_interval),
           r.Seconds("REPRAM_ISOLATION_INTERVAL", c.isolation_interval),
           r.SecondsOrOff("REPRAM_ANTI_ENTROPY_INTERVAL", c.anti_entropy_interval),
           r.HostPorts("REPRAM_PEERS", c.peers),
           r.HostPorts("REPRAM_DNS_SERVERS", c.dns_servers),
       }) {
    if (!s.ok()) return s;
  }
  c.http_port = static_cast<uint16_t>(port);
  c.gossip_port = static_cast<uint16_t>(gossip_port);
  c.gossip_port_set = r.Get("REPRAM_GOSSIP_PORT").has_value();

  r.String("REPRAM_BIND", c.bind);
  boost::system::error_code ec;
  boost::asio::ip::make_address(c.bind, ec);
  if (ec) return Status(StatusCode::kInvalidArgument, Invalid("REPRAM_BIND", c.bind));
  r.String("REPRAM_ADDRESS", c.address);
  r.String("REPRAM_NODE_ID", c.node_id);
  if (c.node_id.empty()) {
    c.node_id = fmt::format("node-{}", std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  }
  if (auto network = r.Get("REPRAM_NETWORK")) {
    if (*network == "public") {
      c.public_network = true;
    } else if (*network == "private") {
      c.public_network = false;
    } else {
      return Status(StatusCode::kInvalidArgument, Invalid("REPRAM_NETWORK", *network));
    }
  }
  r.String("REPRAM_ENCLAVE", c.enclave);
  r.Bool("REPRAM_TRUST_PROXY", c.trust_proxy);
  r.String("REPRAM_CLUSTER_SECRET", c.cluster_secret);
  if (auto level = r.Get("REPRAM_LOG_LEVEL")) {
    const std::string l = AsciiLower(*level);
    c.log_level = (l == "debug" || l == "info" || l == "warn" || l == "error") ? l : "info";
  }
  r.Bool("REPRAM_INBOUND", c.inbound);
  r.String("REPRAM_CACHE_DIR", c.cache_dir);
  r.String("REPRAM_BOOTSTRAP_NAME", c.bootstrap_name);
  r.String("REPRAM_OMEGA_PUBKEY", c.omega_pubkey);
  if (auto format = r.Get("REPRAM_LOG_FORMAT")) {
    if (*format != "text" && *format != "json") {
      return Status(StatusCode::kInvalidArgument, Invalid("REPRAM_LOG_FORMAT", *format));
    }
    c.log_json = *format == "json";
  }
  r.Bool("REPRAM_MCP_HTTP", c.mcp_http);
  r.Bool("REPRAM_UI", c.ui);
  r.Bool("REPRAM_GOSSIP_BATCH", c.gossip_batch);
  r.String("REPRAM_URL", c.url);

  if (c.public_network && c.min_ttl < 300) {
    c.warnings.push_back(fmt::format(
        "REPRAM_MIN_TTL {} is below 300 on a public network; raised to 300", c.min_ttl));
    c.min_ttl = 300;
  }
  if (c.min_ttl > c.max_ttl) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("REPRAM_MIN_TTL ({}) is greater than REPRAM_MAX_TTL ({})", c.min_ttl,
                              c.max_ttl));
  }
  for (const char* var : IgnoredVariables()) {
    if (r.Get(var)) c.warnings.push_back(fmt::format("{} is not used by this node; ignored", var));
  }
  return c;
}

const std::vector<SettingSpec>& Settings() {
  static const std::vector<SettingSpec> kSettings = {
      {"REPRAM_HTTP_PORT", "http-port", "HTTP listener port (0 = ephemeral) [8080]"},
      {"REPRAM_BIND", "bind", "bind address [0.0.0.0]"},
      {"REPRAM_GOSSIP_PORT", "gossip-port", "advertised gossip port [9090]"},
      {"REPRAM_ADDRESS", "address", "advertised host that peers dial [localhost]"},
      {"REPRAM_NODE_ID", "node-id", "node id [node-<unix ns>]"},
      {"REPRAM_NETWORK", "network", "public or private [public]"},
      {"REPRAM_PEERS", "peers", "seed peers, CSV of host:http_port"},
      {"REPRAM_ENCLAVE", "enclave", "replication boundary [default]"},
      {"REPRAM_REPLICATION", "replication", "quorum factor [3]"},
      {"REPRAM_DEFAULT_TTL", "default-ttl", "TTL when none is given, seconds [1800]"},
      {"REPRAM_MIN_TTL", "min-ttl", "TTL floor, seconds [300]"},
      {"REPRAM_MAX_TTL", "max-ttl", "TTL ceiling, seconds [86400]"},
      {"REPRAM_WRITE_TIMEOUT", "write-timeout", "quorum wait, seconds 1..60 [5]"},
      {"REPRAM_RATE_LIMIT", "rate-limit", "client requests/s per IP, burst 2x [100]"},
      {"REPRAM_PEER_RATE_LIMIT", "peer-rate-limit", "peer requests/s per IP [10000]"},
      {"REPRAM_TRUST_PROXY", "trust-proxy", "honour X-Forwarded-For / X-Real-IP [false]"},
      {"REPRAM_MAX_STORAGE_MB", "max-storage-mb", "payload capacity in MiB, 0 = unlimited [0]"},
      {"REPRAM_CLUSTER_SECRET", "cluster-secret", "HMAC key for peer traffic [open mode]"},
      {"REPRAM_LOG_LEVEL", "log-level", "debug, info, warn, error [info]"},
      {"REPRAM_INBOUND", "inbound", "accept WebSocket children (substrate) [false]"},
      {"REPRAM_MAX_CHILDREN", "max-children", "WebSocket child cap [100]"},
      {"REPRAM_CACHE_DIR", "cache-dir", "omega cache directory [$HOME/.repram/cache]"},
      {"REPRAM_BOOTSTRAP_NAME", "bootstrap-name", "omega DNS name [_bootstrap.repram.io]"},
      {"REPRAM_DNS_SERVERS", "dns-servers", "DNS servers, CSV of ip:port [system]"},
      {"REPRAM_OMEGA_PUBKEY", "omega-pubkey", "omega public key, base64 [compiled-in]"},
      {"REPRAM_ISOLATION_THRESHOLD", "isolation-threshold", "recover when peers <= this [0]"},
      {"REPRAM_ISOLATION_MAX_BACKOFF", "isolation-max-backoff", "recovery backoff cap, s [120]"},
      {"REPRAM_PING_INTERVAL", "ping-interval", "ping round, seconds [30]"},
      {"REPRAM_SYNC_INTERVAL", "sync-interval", "topology sync period, seconds [30]"},
      {"REPRAM_ISOLATION_INTERVAL", "isolation-interval", "isolation check period, s [30]"},
      {"REPRAM_ANTI_ENTROPY_INTERVAL", "anti-entropy-interval",
       "anti-entropy round period, seconds; 0 = off [60]"},
      {"REPRAM_FULL_FANOUT_MAX", "full-fanout-max", "full broadcast up to this many peers [32]"},
      {"REPRAM_GOSSIP_BATCH", "gossip-batch", "batch PUTs and ACKs to C++ peers [true]"},
      {"REPRAM_THREADS", "threads", "I/O threads [number of cores]"},
      {"REPRAM_IO_SPIN_US", "io-spin-us",
       "an idle I/O thread polls this long before it blocks, µs; 0 = block at once [200]"},
      {"REPRAM_MAX_CONNECTIONS", "max-connections",
       "open HTTP connections at most; at the cap the oldest idle ones close [descriptor limit - "
       "1024]"},
      {"REPRAM_LOG_FORMAT", "log-format", "text or json [text]"},
      {"REPRAM_MCP_HTTP", "mcp-http", "serve MCP at /mcp [true]"},
      {"REPRAM_UI", "ui", "serve the dashboard at / [true]"},
      {"REPRAM_URL", "url", "repram mcp: remote node URL [embedded node]"},
  };
  return kSettings;
}

const std::vector<const char*>& IgnoredVariables() {
  static const std::vector<const char*> kIgnored = {"REPRAM_MODE",
                                                    "REPRAM_PPROF_ENABLED",
                                                    "REPRAM_PPROF_ADDR",
                                                    "REPRAM_PORT",
                                                    "REPRAM_BOOTSTRAP_PEERS",
                                                    "REPRAM_RATE_BURST",
                                                    "REPRAM_MAX_REQUEST_SIZE",
                                                    "REPRAM_CLEANUP_INTERVAL"};
  return kIgnored;
}

}  // namespace repram
