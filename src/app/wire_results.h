#pragma once

#include "app/data_service.h"
#include "cluster/peer_reply.h"
#include "http/types.h"

namespace repram {

// The one place where domain results become HTTP answers: status, content type and exact body
// text of http-api.md §4/§13 and cluster.md §2/§7.2.

// Returns the HTTP status a write result is answered (and counted in metrics) with.
unsigned WriteStatus(WriteResult result);

// Returns the answer to a client PUT: 201/202 with X-Created-At and X-Original-TTL, 507, or 500.
http::Response WriteResponse(const WriteOutcome& outcome);

// Returns the answer to a peer request (gossip, bootstrap, catch-up or anti-entropy).
http::Response PeerResponse(const cluster::PeerReply& reply);

}  // namespace repram
