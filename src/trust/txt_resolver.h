#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "util/clock.h"
#include "util/status.h"

namespace repram::trust {

// Asynchronous DNS TXT lookups. The production implementation is AresResolver (c-ares on its own
// thread); tests substitute a fake. Thread-safe: every method may be called from any thread,
// including from inside a callback.
class TxtResolver {
 public:
  using LookupId = uint64_t;
  // Receives the TXT texts in answer order (each RR's character-strings concatenated, untrimmed)
  // or the error "lookup <name>: <resolver error text>".
  using Callback = std::function<void(Result<std::vector<std::string>>)>;

  virtual ~TxtResolver() = default;
  // Starts a TXT lookup of name (class IN, recursion desired) that fails with the resolver's
  // timeout text once timeout has passed. done runs exactly once, later, on the resolver's thread,
  // unless Cancel(id) ran first. Never blocks.
  virtual LookupId LookupTxt(std::string name, Duration timeout, Callback done) = 0;
  // Abandons a lookup. When called from another thread than the resolver's, on return the
  // callback is not running and never will; from inside a callback it prevents later calls only.
  // Unknown or finished ids are ignored.
  virtual void Cancel(LookupId id) = 0;
};

}  // namespace repram::trust
