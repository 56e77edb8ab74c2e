#include "app/node_trust.h"

#include <spdlog/spdlog.h>

namespace repram {
namespace {

// Recovery seeds of REPRAM_PEERS: the startup snapshot (cluster.md §11.1).
class StaticSeedProvider final : public cluster::SeedProvider {
 public:
  explicit StaticSeedProvider(std::vector<std::string> seeds) : seeds_(std::move(seeds)) {}
  std::vector<std::string> Seeds() override { return seeds_; }

 private:
  const std::vector<std::string> seeds_;
};

// Recovery seeds on the public network: the list current at recovery time, not at startup.
class OmegaSeedProvider final : public cluster::SeedProvider {
 public:
  explicit OmegaSeedProvider(const trust::TrustService& service) : service_(service) {}
  std::vector<std::string> Seeds() override { return service_.CurrentNodes(); }

 private:
  const trust::TrustService& service_;
};

}  // namespace

SeedSource SeedSourceOf(const Config& config) {
  if (!config.peers.empty()) return SeedSource::kPeers;
  return config.public_network ? SeedSource::kOmega : SeedSource::kNone;
}

NodeTrust::NodeTrust(const Config& config) : config_(config), source_(SeedSourceOf(config)) {
  if (source_ == SeedSource::kPeers) {
    recovery_seeds_ = std::make_unique<StaticSeedProvider>(config.peers);
  }
}

NodeTrust::~NodeTrust() { Stop(); }

bool NodeTrust::Establish(uint16_t http_port) {
  if (source_ == SeedSource::kPeers && config_.public_network) {
    spdlog::warn("{}", trust::kPeersSkipOmegaWarning);
  }
  if (source_ != SeedSource::kOmega) return true;
  trust::TrustConfig tc{.omega_pubkey = config_.omega_pubkey,
                        .bootstrap_name = config_.bootstrap_name,
                        .dns_servers = config_.dns_servers,
                        .cache_dir = config_.cache_dir,
                        .self_advertised = config_.address + ":" + std::to_string(http_port)};
  Result<std::unique_ptr<trust::TrustService>> service = trust::TrustService::Create(tc);
  if (!service.ok() || !(*service)->Bootstrap().ok()) return false;
  service_ = std::move(service).value();
  recovery_seeds_ = std::make_unique<OmegaSeedProvider>(*service_);
  return true;
}

void NodeTrust::Start(Scheduler& scheduler) {
  if (service_) service_->Start(scheduler);
}

void NodeTrust::Stop() {
  if (service_) service_->Stop();
}

std::vector<std::string> NodeTrust::StartupSeeds() const {
  switch (source_) {
    case SeedSource::kPeers:
      return config_.peers;
    case SeedSource::kOmega:
      return service_ ? service_->CurrentNodes() : std::vector<std::string>{};
    case SeedSource::kNone:
      break;
  }
  return {};
}

void NodeTrust::AddHooks(cluster::ClusterHooks& hooks) const {
  if (!config_.public_network) return;
  trust::TrustService* service = service_.get();
  // Without a verified list (REPRAM_PEERS) a public node is never a root (trust.md §9).
  hooks.is_public_non_root = [service] { return service == nullptr || !service->IsRoot(); };
  if (service != nullptr) hooks.request_omega_refresh = [service] { service->RequestRefresh(); };
}

void NodeTrust::RenderMetrics(PrometheusWriter& w) const {
  w.Family("repram_omega_last_refresh_unix_seconds", "gauge",
           "Last successful signed-list verification, Unix seconds; 0 = never.");
  w.Sample("repram_omega_last_refresh_unix_seconds", "",
           static_cast<uint64_t>(service_ ? service_->last_refresh_unix_seconds() : 0));
  w.Family("repram_omega_root", "gauge",
           "1 while this node is a bootstrap root of the verified omega list, else 0.");
  w.Sample("repram_omega_root", "", uint64_t{service_ && service_->IsRoot() ? 1u : 0u});
}

}  // namespace repram
