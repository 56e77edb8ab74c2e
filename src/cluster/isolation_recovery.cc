#include "cluster/isolation_recovery.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <optional>
#include <utility>

namespace repram::cluster {

IsolationRecovery::IsolationRecovery(Options options, Scheduler& scheduler, Rng& rng,
                                     ClusterMetrics& metrics, SeedProvider* provider,
                                     PeerCount peer_count, Rebootstrap rebootstrap,
                                     std::function<void()> request_refresh,
                                     std::function<void()> on_recovered)
    : options_(options),
      scheduler_(scheduler),
      rng_(rng),
      metrics_(metrics),
      provider_(provider),
      peer_count_(std::move(peer_count)),
      rebootstrap_(std::move(rebootstrap)),
      request_refresh_(std::move(request_refresh)),
      on_recovered_(std::move(on_recovered)),
      policy_(options.interval, options.max_backoff) {}

IsolationRecovery::~IsolationRecovery() { Stop(); }

void IsolationRecovery::Start() {
  if (provider_ == nullptr) return;
  MutexLock lock(mu_);
  if (stopped_) return;
  timer_ = scheduler_.After(options_.interval, guard_.Wrap([this] { Tick(); }));
}

void IsolationRecovery::Stop() {
  guard_.Close();
  std::unique_ptr<Scheduler::Task> timer;
  {
    MutexLock lock(mu_);
    stopped_ = true;
    timer = std::move(timer_);
  }
}

void IsolationRecovery::Tick() {
  RunCheck([this](bool, Duration next) {
    MutexLock lock(mu_);
    if (stopped_) return;
    timer_ = scheduler_.After(next, guard_.Wrap([this] { Tick(); }));
  });
}

void IsolationRecovery::Check(std::function<void(bool)> done) {
  RunCheck([done = std::move(done)](bool result, Duration) { done(result); });
}

void IsolationRecovery::RunCheck(const std::function<void(bool, Duration)>& done) {
  std::optional<Duration> skipped_delay;
  {
    MutexLock lock(mu_);
    if (stopped_ || running_) {
      skipped_delay = policy_.OnCheck(CheckOutcome::kSkipped, rng_);
    } else {
      running_ = true;
    }
  }
  if (skipped_delay) return done(false, *skipped_delay);
  const size_t peers = peer_count_();
  if (peers > options_.threshold) return Finish(CheckOutcome::kNotIsolated, done);
  if (provider_ == nullptr) return Finish(CheckOutcome::kSkipped, done);
  if (request_refresh_) request_refresh_();
  try {
    std::vector<std::string> seeds = provider_->Seeds();
    if (seeds.empty()) return Finish(CheckOutcome::kSkipped, done);
    spdlog::warn("Isolated ({} peers, threshold {}); re-bootstrapping from {} seeds", peers,
                 options_.threshold, seeds.size());
    rebootstrap_(std::move(seeds), guard_.Wrap([this, done] {
      const size_t after = peer_count_();
      Finish(after > options_.threshold ? CheckOutcome::kSucceeded : CheckOutcome::kFailed, done);
    }));
  } catch (const std::exception& e) {
    spdlog::warn("Isolation recovery attempt threw: {}", e.what());
    Finish(CheckOutcome::kFailed, done);
  } catch (...) {
    spdlog::warn("Isolation recovery attempt threw a non-standard exception");
    Finish(CheckOutcome::kFailed, done);
  }
}

void IsolationRecovery::Finish(CheckOutcome outcome,
                               const std::function<void(bool, Duration)>& done) {
  Duration next;
  {
    MutexLock lock(mu_);
    running_ = false;
    next = policy_.OnCheck(outcome, rng_);
  }
  if (outcome == CheckOutcome::kSucceeded) {
    metrics_.isolation_recoveries_total++;
    spdlog::info("Isolation recovery succeeded: {} peers", peer_count_());
    if (on_recovered_) on_recovered_();
  } else if (outcome == CheckOutcome::kFailed) {
    metrics_.isolation_recovery_failures_total++;
    spdlog::warn("Isolation recovery failed; next attempt in {}s",
                 std::chrono::duration_cast<std::chrono::seconds>(next).count());
  }
  done(outcome == CheckOutcome::kSucceeded, next);
}

}  // namespace repram::cluster
