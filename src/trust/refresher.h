#pragma once

#include <functional>
#include <memory>

#include "trust/list_fetcher.h"
#include "trust/signed_list.h"
#include "util/rng.h"
#include "util/scheduler.h"

namespace repram::trust {

// Keeps the signed root list fresh (trust.md §10): a RefreshPolicy driven by one Scheduler task
// at a time. A due task only hands the fetch to the ListFetcher and returns, so scheduler threads
// (node I/O threads) never wait for DNS; the result arrives on the fetcher's thread, where the
// policy decides, accepted lists are passed to apply, failures are logged ("Omega refresh: <err>")
// and the next task is scheduled. Hence Scheduler::After and Task::Cancel are called from the
// fetcher's thread too (always under this object's mutex, so never concurrently).
// Thread-safe; callbacks hold only a weak reference to the internal state.
class Refresher {
 public:
  // Called with every accepted list, serialised, on the fetcher's thread.
  using ApplyFn = std::function<void(const SignedList&)>;

  // current_exp: expiry of the list in use. REQUIRES: scheduler, fetcher and rng outlive this.
  Refresher(Scheduler& scheduler, ListFetcher& fetcher, Rng& rng, int64_t current_exp,
            ApplyFn apply);
  // Stops.
  ~Refresher();
  Refresher(const Refresher&) = delete;
  Refresher& operator=(const Refresher&) = delete;

  // Schedules the first refresh by the current list's expiry. Call once.
  void Start();
  // Cancels the pending task and any fetch in flight; nothing runs afterwards. Idempotent.
  void Stop();
  // Requests a refresh soon, coalesced: nothing if an attempt is running, else at the earliest
  // 30 s after the last attempt started, unless an attempt is already due by then. Never blocks.
  void RequestRefresh();

 private:
  struct Core;
  std::shared_ptr<Core> core_;
};

}  // namespace repram::trust
