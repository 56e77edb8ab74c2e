#include "trust/trust_service.h"

#include <spdlog/spdlog.h>

#include "trust/ares_resolver.h"
#include "trust/cache_dir.h"
#include "trust/startup.h"
#include "trust/unix_time.h"

namespace repram::trust {

Result<std::unique_ptr<TrustService>> TrustService::Create(const TrustConfig& config) {
  Result<OmegaKey> key = LoadOmegaKey(config.omega_pubkey);
  if (!key.ok()) {
    spdlog::error("Omega bootstrap failed: {}", key.status().message());
    spdlog::error("{}", kOmegaKeyHint);
    return key.status();
  }
  Result<std::unique_ptr<AresResolver>> resolver = AresResolver::Create(config.dns_servers);
  if (!resolver.ok()) {
    spdlog::error("Omega bootstrap failed: {}", resolver.status().message());
    return resolver.status();
  }
  const CacheDirChoice dir = DefaultCacheDir(config.cache_dir);
  if (dir.is_system_fallback) spdlog::warn("{}", SystemCacheDirWarning(dir.dir));
  TrustConfig resolved = config;
  resolved.cache_dir = dir.dir;
  const Clock& clock = SystemClock::Instance();
  auto fetcher = std::make_unique<DnsListFetcher>(std::move(resolver).value(),
                                                  config.bootstrap_name, *key, clock);
  return std::make_unique<TrustService>(resolved, *key, std::move(fetcher), clock,
                                        std::make_unique<DefaultRng>());
}

TrustService::TrustService(const TrustConfig& config, OmegaKey key,
                           std::unique_ptr<ListFetcher> fetcher, const Clock& clock,
                           std::unique_ptr<Rng> rng)
    : key_(key),
      clock_(clock),
      rng_(std::move(rng)),
      cache_(config.cache_dir),
      fetcher_(std::move(fetcher)),
      root_(config.self_advertised) {}

TrustService::~TrustService() { Stop(); }

Result<SignedList> TrustService::Bootstrap() {
  Result<SignedList> list = RunStartupFetch(*fetcher_, cache_, key_.bytes, clock_);
  if (!list.ok()) {
    spdlog::error("Omega bootstrap failed: {}", list.status().message());
    return list;
  }
  ApplyList(*list);
  return list;
}

void TrustService::Start(Scheduler& scheduler) {
  int64_t exp;
  {
    MutexLock lock(mu_);
    exp = current_.exp;
  }
  MutexLock lock(refresher_mu_);
  refresher_ = std::make_unique<Refresher>(scheduler, *fetcher_, *rng_, exp,
                                           [this](const SignedList& list) { OnRefreshed(list); });
  refresher_->Start();
}

void TrustService::Stop() {
  MutexLock lock(refresher_mu_);
  if (refresher_) refresher_->Stop();
}

std::vector<std::string> TrustService::CurrentNodes() const {
  MutexLock lock(mu_);
  return current_.nodes;
}

void TrustService::RequestRefresh() {
  MutexLock lock(refresher_mu_);
  if (refresher_) refresher_->RequestRefresh();
}

void TrustService::ApplyList(const SignedList& list) {
  {
    MutexLock lock(mu_);
    current_ = list;
  }
  last_refresh_.store(UnixSeconds(clock_.WallNow()));
  if (std::optional<std::string> line = root_.Apply(list.nodes)) spdlog::info("{}", *line);
}

void TrustService::OnRefreshed(const SignedList& list) {
  if (Status saved = cache_.Save(list); !saved.ok()) {
    spdlog::warn("Omega refresh: failed to save cache: {}", saved.message());
  }
  ApplyList(list);
}

}  // namespace repram::trust
