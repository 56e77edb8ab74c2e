#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "trust/dns_list_fetcher.h"
#include "trust/list_fetcher.h"
#include "trust/omega_key.h"
#include "trust/refresher.h"
#include "trust/root_list_cache.h"
#include "trust/root_status.h"
#include "trust/signed_list.h"
#include "util/clock.h"
#include "util/mutex.h"
#include "util/rng.h"
#include "util/scheduler.h"
#include "util/status.h"

namespace repram::trust {

// The warning logged instead of using omega when REPRAM_NETWORK=public and REPRAM_PEERS is set
// (trust.md §9); the node then never creates a TrustService and is never a root.
inline constexpr std::string_view kPeersSkipOmegaWarning =
    "REPRAM_NETWORK=public with REPRAM_PEERS set: skipping omega verification. This node will not "
    "be recognized as a bootstrap root and will return 403 for /v1/bootstrap requests.";

// Configuration of the public-network trust root. Strings are the raw environment values.
struct TrustConfig {
  // REPRAM_OMEGA_PUBKEY: std base64 of the 32-byte omega key. Empty = the compiled-in placeholder,
  // which is refused, so public mode without REPRAM_PEERS needs this set.
  std::string omega_pubkey;
  // REPRAM_BOOTSTRAP_NAME: the hop-1 TXT name.
  std::string bootstrap_name = std::string(kDefaultBootstrapName);
  // REPRAM_DNS_SERVERS split on ',': "ip:port" / "[v6]:port". Empty = system resolver config.
  std::vector<std::string> dns_servers;
  // REPRAM_CACHE_DIR. Empty = $HOME/.repram/cache, the passwd home, else /var/cache/repram.
  std::string cache_dir;
  // REPRAM_ADDRESS + ":" + bound HTTP port; compared byte for byte with the list's nodes.
  std::string self_advertised;
};

// Facade of the trust module for the node: startup fetch with cache fallback, refresher, current
// seed list, root status and the last-refresh gauge. Lifecycle: Create → Bootstrap (before the
// node's I/O threads start) → Start(scheduler) → Stop → destroy. DNS runs on the resolver's own
// thread; scheduler callbacks only hand work to it. Thread-safe after Bootstrap: CurrentNodes,
// IsRoot, RequestRefresh and last_refresh_unix_seconds may be called from any thread.
class TrustService {
 public:
  // Builds the production service (c-ares resolver, system clock, default RNG). Fails when the
  // key fails trust.md §2 (message "<source>: <error>") or REPRAM_DNS_SERVERS is unusable; in
  // both cases it has already logged "Omega bootstrap failed: <message>" (plus, for key errors,
  // the kOmegaKeyHint line) and the caller exits 1. Logs the /var/cache/repram warning if chosen.
  static Result<std::unique_ptr<TrustService>> Create(const TrustConfig& config);

  // Builds a service over an injected fetcher (tests). cache_dir is used as is.
  TrustService(const TrustConfig& config, OmegaKey key, std::unique_ptr<ListFetcher> fetcher,
               const Clock& clock, std::unique_ptr<Rng> rng);
  // Stops the refresher; in-flight DNS work is cancelled.
  ~TrustService();
  TrustService(const TrustService&) = delete;
  TrustService& operator=(const TrustService&) = delete;

  // Runs the startup flow of trust.md §9 steps 2-3: fetch (10 s deadline) or cache fallback,
  // then sets the gauge and the root status (logging the "Initial root status" line). Blocks.
  // On failure logs "Omega bootstrap failed: <error>" and returns the error; the caller exits 1.
  // Call once, before Start.
  Result<SignedList> Bootstrap();
  // Starts the refresher on scheduler (its callbacks run on node I/O threads and never block).
  // REQUIRES: Bootstrap succeeded; scheduler outlives Stop(); Scheduler::After and Task::Cancel
  // may be called from the resolver thread. Call once.
  void Start(Scheduler& scheduler);
  // Stops the refresher and cancels any DNS query in flight. Idempotent.
  void Stop();

  // Returns the nodes of the current verified list in received order (our own entry included:
  // the joiner skips it). Empty before Bootstrap succeeded.
  std::vector<std::string> CurrentNodes() const;
  // Returns whether our self_advertised is in the current list (false before Bootstrap).
  bool IsRoot() const { return root_.is_root(); }
  // Requests a coalesced refresh soon (trust.md §10 on demand). Non-blocking; no-op before Start.
  void RequestRefresh();
  // Returns the Unix time of the last successful verification (startup or refresh); 0 = never.
  int64_t last_refresh_unix_seconds() const { return last_refresh_.load(); }

 private:
  // Makes list current: root status (logged), gauge. REQUIRES: list verified.
  void ApplyList(const SignedList& list);
  // Refresher sink: saves the cache, then ApplyList.
  void OnRefreshed(const SignedList& list);

  const OmegaKey key_;
  const Clock& clock_;
  const std::unique_ptr<Rng> rng_;
  const RootListCache cache_;
  const std::unique_ptr<ListFetcher> fetcher_;

  RootStatus root_;
  std::atomic<int64_t> last_refresh_{0};
  mutable Mutex mu_;
  SignedList current_ GUARDED_BY(mu_);
  // Separate from mu_: the refresher calls OnRefreshed (which takes mu_) under its own lock, and
  // RequestRefresh/Stop take the refresher's lock under this one.
  Mutex refresher_mu_;
  std::unique_ptr<Refresher> refresher_ GUARDED_BY(refresher_mu_);
};

}  // namespace repram::trust
