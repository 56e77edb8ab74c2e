#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "trust/list_fetcher.h"
#include "trust/omega_key.h"
#include "trust/txt_resolver.h"
#include "util/clock.h"
#include "util/mutex.h"

namespace repram::trust {

// Default bootstrap record name (REPRAM_BOOTSTRAP_NAME).
inline constexpr std::string_view kDefaultBootstrapName = "_bootstrap.repram.io";
// Deadline for one whole two-hop fetch (trust.md §3).
inline constexpr Duration kFetchDeadline = std::chrono::seconds(10);

// ListFetcher over DNS: TXT lookup of the bootstrap name, then of its omega= target, keeping the
// best valid record (trust.md §3), within one deadline for both hops. Owns its resolver. Callbacks
// run on the resolver's thread. Thread-safe.
class DnsListFetcher final : public ListFetcher {
 public:
  // clock gives the wall time used for verification and the monotonic time of the deadline.
  DnsListFetcher(std::unique_ptr<TxtResolver> resolver, std::string bootstrap_name, OmegaKey key,
                 const Clock& clock, Duration deadline = kFetchDeadline);
  // Cancels fetches in flight, then destroys the resolver.
  ~DnsListFetcher() override;

  void Fetch(Callback done) override;
  void Cancel() override;

 private:
  struct Attempt {
    Callback done;
    MonoTime deadline;
    TxtResolver::LookupId lookup = 0;
  };
  void OnBootstrapAnswer(uint64_t attempt_id, const Result<std::vector<std::string>>& texts);
  void OnOmegaAnswer(uint64_t attempt_id, const std::string& target,
                     const Result<std::vector<std::string>>& texts);
  // Removes the attempt and delivers result; does nothing if it was cancelled.
  void Finish(uint64_t attempt_id, Result<SignedList> result);

  std::unique_ptr<TxtResolver> resolver_;
  const std::string bootstrap_name_;
  const OmegaKey key_;
  const Clock& clock_;
  const Duration deadline_;

  Mutex mu_;
  uint64_t next_attempt_ GUARDED_BY(mu_) = 1;
  std::map<uint64_t, Attempt> attempts_ GUARDED_BY(mu_);
};

}  // namespace repram::trust
