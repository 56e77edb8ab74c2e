#pragma once

#include <functional>

#include "trust/signed_list.h"
#include "util/status.h"

namespace repram::trust {

// Obtains the current signed root list, verified. Production: DnsListFetcher (two-hop DNS);
// tests inject results through a fake. Thread-safe.
class ListFetcher {
 public:
  using Callback = std::function<void(Result<SignedList>)>;

  virtual ~ListFetcher() = default;
  // Starts one fetch. done runs exactly once, after Fetch has returned, on an implementation
  // thread, with a list verified at that moment or the error text of trust.md §3; unless Cancel()
  // ran first. Never blocks.
  virtual void Fetch(Callback done) = 0;
  // Abandons every fetch in flight. On return no callback of theirs is running or will run (when
  // called from outside a callback).
  virtual void Cancel() = 0;
};

}  // namespace repram::trust
