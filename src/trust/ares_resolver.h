#pragma once

#include <deque>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "trust/txt_resolver.h"
#include "util/mutex.h"
#include "util/status.h"

namespace repram::trust {

// TxtResolver on c-ares, driven by one dedicated thread ("repram-dns") that polls the c-ares
// sockets and an eventfd used to wake it. Chosen over an io_context adapter so that no c-ares
// work, callback or /etc/resolv.conf read ever runs on a node I/O thread. Every lookup gets its own
// c-ares channel (2 s first try, 3 tries, TCP retry on truncation; c-ares doubles later tries), so
// a lookup can be cancelled or timed out on its own by destroying its channel. Callbacks run on
// the resolver thread, one at a time. Thread-safe.
class AresResolver final : public TxtResolver {
 public:
  // Creates the resolver and starts its thread. servers are "ip:port" or "[v6]:port" entries
  // (REPRAM_DNS_SERVERS, already split; entries are trimmed, empty ones dropped); none = the
  // system resolver configuration. Fails with "REPRAM_DNS_SERVERS: ..." on an unusable list.
  static Result<std::unique_ptr<AresResolver>> Create(const std::vector<std::string>& servers);
  // Stops the thread; lookups still pending are dropped without calling their callbacks.
  ~AresResolver() override;
  AresResolver(const AresResolver&) = delete;
  AresResolver& operator=(const AresResolver&) = delete;

  LookupId LookupTxt(std::string name, Duration timeout, Callback done) override;
  void Cancel(LookupId id) override;

 private:
  struct Job;
  AresResolver(std::string servers_csv, int wake_fd);
  void Run();
  void Wake();
  // Starts a c-ares query for a job taken from the queue; failures complete the job at once.
  void StartJob(Job& job);
  // Invokes done for each finished job (unless cancelled) and destroys their channels.
  void CompleteFinished(std::vector<std::unique_ptr<Job>>& jobs);

  const std::string servers_csv_;  // empty = system configuration
  const int wake_fd_;

  Mutex mu_;
  CondVar callback_done_;
  bool stopping_ GUARDED_BY(mu_) = false;
  LookupId next_id_ GUARDED_BY(mu_) = 1;
  std::deque<std::unique_ptr<Job>> queued_ GUARDED_BY(mu_);
  std::set<LookupId> cancelled_ GUARDED_BY(mu_);
  LookupId running_callback_ GUARDED_BY(mu_) = 0;  // 0 = none

  std::thread thread_;  // last: started after everything above exists
};

}  // namespace repram::trust
