#include "trust/dns_list_fetcher.h"

#include <algorithm>
#include <vector>

#include "trust/dns_records.h"
#include "trust/unix_time.h"

namespace repram::trust {

DnsListFetcher::DnsListFetcher(std::unique_ptr<TxtResolver> resolver, std::string bootstrap_name,
                               OmegaKey key, const Clock& clock, Duration deadline)
    : resolver_(std::move(resolver)),
      bootstrap_name_(std::move(bootstrap_name)),
      key_(key),
      clock_(clock),
      deadline_(deadline) {}

DnsListFetcher::~DnsListFetcher() { Cancel(); }

void DnsListFetcher::Fetch(Callback done) {
  MutexLock lock(mu_);
  const uint64_t id = next_attempt_++;
  Attempt& attempt = attempts_[id];
  attempt.done = std::move(done);
  attempt.deadline = clock_.Now() + deadline_;
  attempt.lookup = resolver_->LookupTxt(
      bootstrap_name_, deadline_,
      [this, id](const Result<std::vector<std::string>>& texts) { OnBootstrapAnswer(id, texts); });
}

void DnsListFetcher::Cancel() {
  std::vector<TxtResolver::LookupId> lookups;
  {
    MutexLock lock(mu_);
    for (const auto& [id, attempt] : attempts_) lookups.push_back(attempt.lookup);
    attempts_.clear();
  }
  // Outside mu_: Cancel waits for a running callback, which may itself need mu_.
  for (const TxtResolver::LookupId lookup : lookups) resolver_->Cancel(lookup);
}

void DnsListFetcher::OnBootstrapAnswer(uint64_t attempt_id,
                                       const Result<std::vector<std::string>>& texts) {
  if (!texts.ok()) return Finish(attempt_id, texts.status());
  Result<std::vector<std::string>> records = UsableTxtRecords(bootstrap_name_, *texts);
  if (!records.ok()) return Finish(attempt_id, records.status());
  Result<std::string> target = ParseBootstrapIndirection(*records);
  if (!target.ok()) return Finish(attempt_id, target.status());

  MutexLock lock(mu_);
  const auto it = attempts_.find(attempt_id);
  if (it == attempts_.end()) return;  // cancelled meanwhile
  const Duration remaining = it->second.deadline - clock_.Now();
  it->second.lookup = resolver_->LookupTxt(
      *target, std::max(remaining, Duration::zero()),
      [this, attempt_id, t = *target](const Result<std::vector<std::string>>& answer) {
        OnOmegaAnswer(attempt_id, t, answer);
      });
}

void DnsListFetcher::OnOmegaAnswer(uint64_t attempt_id, const std::string& target,
                                   const Result<std::vector<std::string>>& texts) {
  if (!texts.ok()) return Finish(attempt_id, texts.status());
  Result<std::vector<std::string>> records = UsableTxtRecords(target, *texts);
  if (!records.ok()) return Finish(attempt_id, records.status());
  Finish(attempt_id,
         SelectBestSignedList(target, *records, key_.bytes, UnixSeconds(clock_.WallNow())));
}

void DnsListFetcher::Finish(uint64_t attempt_id, Result<SignedList> result) {
  Callback done;
  {
    MutexLock lock(mu_);
    const auto it = attempts_.find(attempt_id);
    if (it == attempts_.end()) return;
    done = std::move(it->second.done);
    attempts_.erase(it);
  }
  done(std::move(result));
}

}  // namespace repram::trust
