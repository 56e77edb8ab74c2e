#pragma once

#include <span>

#include "trust/list_fetcher.h"
#include "trust/root_list_cache.h"
#include "trust/signed_list.h"
#include "util/clock.h"
#include "util/status.h"

namespace repram::trust {

// Runs step 2 of the public-mode startup flow (trust.md §9): fetch the list; on success save the
// cache (a failure only warns) and return it; on failure fall back to the cache verified at the
// clock's current wall time. Logs the spec's info and warning lines. Blocks the calling thread
// until the fetcher answers (its own deadline bounds the wait); call before the node's I/O
// threads start. Returns the verified list or the fatal error text, without the
// "Omega bootstrap failed: " prefix.
Result<SignedList> RunStartupFetch(ListFetcher& fetcher, const RootListCache& cache,
                                   std::span<const unsigned char> pubkey, const Clock& clock);

}  // namespace repram::trust
