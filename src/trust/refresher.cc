#include "trust/refresher.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "trust/refresh_policy.h"
#include "trust/unix_time.h"
#include "util/mutex.h"
#include "util/rfc3339.h"

namespace repram::trust {

struct Refresher::Core : std::enable_shared_from_this<Core> {
  Core(Scheduler& s, ListFetcher& f, Rng& r, int64_t current_exp, ApplyFn a)
      : scheduler(s), fetcher(f), rng(r), apply(std::move(a)), policy(current_exp) {}

  // Replaces the pending task (cancelling it) by one running Tick after d.
  void ScheduleLocked(Duration d) REQUIRES(mu) {
    due = scheduler.clock().Now() + d;
    task = scheduler.After(d, [weak = weak_from_this()] {
      if (auto core = weak.lock()) core->Tick();
    });
  }

  void Tick() {
    MutexLock lock(mu);
    if (stopped || policy.attempt_running()) return;
    due.reset();  // the task that ran stays in `task` until replaced: never destroy it here
    policy.OnAttemptStart(scheduler.clock().Now());
    const uint64_t id = ++attempt;
    // Under mu: Fetch never calls back before returning, and Stop cannot slip in between.
    fetcher.Fetch([weak = weak_from_this(), id](const Result<SignedList>& result) {
      if (auto core = weak.lock()) core->OnFetched(id, result);
    });
  }

  void OnFetched(uint64_t id, const Result<SignedList>& result) {
    MutexLock lock(mu);
    if (stopped || id != attempt) return;
    const int64_t now = UnixSeconds(scheduler.clock().WallNow());
    Duration next;
    if (result.ok()) {
      const int64_t current = policy.current_exp();
      const RefreshPolicy::Outcome outcome = policy.OnFetched(result->exp, now, rng.Uniform01());
      next = outcome.next_delay;
      if (outcome.accepted) {
        spdlog::info("Omega refresh: verified signed root list ({} nodes, expires {})",
                     result->nodes.size(), FormatRfc3339Seconds(result->exp));
        apply(*result);
      } else {
        spdlog::warn(
            "Omega refresh: trust: refusing older signed root list: exp={} < current exp={}",
            result->exp, current);
      }
    } else {
      spdlog::warn("Omega refresh: {}", result.status().message());
      next = policy.OnFailure();
    }
    if (policy.TakeExpiredNotice(now)) {
      spdlog::warn(
          "Omega: current signed root list expired at {}; continuing with last verified list "
          "until a refresh succeeds",
          FormatRfc3339Seconds(policy.current_exp()));
    }
    ScheduleLocked(next);
  }

  Scheduler& scheduler;
  ListFetcher& fetcher;
  Rng& rng;
  const ApplyFn apply;

  Mutex mu;
  RefreshPolicy policy GUARDED_BY(mu);
  bool started GUARDED_BY(mu) = false;
  bool stopped GUARDED_BY(mu) = false;
  std::unique_ptr<Scheduler::Task> task GUARDED_BY(mu);
  std::optional<MonoTime> due GUARDED_BY(mu);  // when `task` runs, if pending
  uint64_t attempt GUARDED_BY(mu) = 0;
};

Refresher::Refresher(Scheduler& scheduler, ListFetcher& fetcher, Rng& rng, int64_t current_exp,
                     ApplyFn apply)
    : core_(std::make_shared<Core>(scheduler, fetcher, rng, current_exp, std::move(apply))) {}

Refresher::~Refresher() { Stop(); }

void Refresher::Start() {
  MutexLock lock(core_->mu);
  if (core_->started || core_->stopped) return;
  core_->started = true;
  const int64_t now = UnixSeconds(core_->scheduler.clock().WallNow());
  core_->ScheduleLocked(SuccessDelay(core_->policy.current_exp(), now, core_->rng.Uniform01()));
}

void Refresher::Stop() {
  {
    MutexLock lock(core_->mu);
    if (core_->stopped) return;
    core_->stopped = true;
    core_->task.reset();
    core_->due.reset();
  }
  core_->fetcher.Cancel();
}

void Refresher::RequestRefresh() {
  MutexLock lock(core_->mu);
  if (!core_->started || core_->stopped) return;
  const std::optional<Duration> delay =
      core_->policy.OnDemand(core_->scheduler.clock().Now(), core_->due);
  if (delay) core_->ScheduleLocked(*delay);
}

}  // namespace repram::trust
