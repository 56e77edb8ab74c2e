#pragma once

#include <string>

#include "cluster/catchup_codec.h"
#include "store/ttl_store.h"

namespace repram::cluster {

// Returns the 200 body of POST /v1/catchup for an authenticated, parsed request (cluster.md §12):
// the live entries of store with at least 1 s to live whose keys sort strictly after req.cursor,
// in byte order, at most req.limit of them, ending early once the encoded page passes 8 MiB;
// remaining_ttl is the whole seconds left (never rounded up), original_ttl the stored TTL;
// next_cursor (the last key sent) only when more entries follow. Reads the store through
// EntryScanner: no whole-store copy and no lock held across the page.
std::string ServeCatchupPage(const TtlStore& store, const CatchupRequest& req);

}  // namespace repram::cluster
