#pragma once

#include "app/data_service.h"
#include "cluster/gossip_reply.h"
#include "cluster/peer_reply.h"
#include "http/types.h"

namespace repram {

// The one place where domain results become HTTP answers: status, content type and exact body
// text of http-api.md §4/§13 and cluster.md §2/§7.2.

// Returns the HTTP status a write result is answered (and counted in metrics) with.
unsigned WriteStatus(WriteResult result);

// Returns the answer to a client PUT: 201/202 with X-Created-At and X-Original-TTL, 507, or 500.
http::Response WriteResponse(const WriteOutcome& outcome);

// Returns the answer to a peer request (gossip message or bootstrap).
http::Response PeerResponse(const cluster::PeerReply& reply);

// Returns the answer to an anti-entropy request. Anti-entropy still builds its own status and
// body (cluster::GossipReply); moving it to PeerReply outcomes is left to do.
http::Response PeerResponse(const cluster::GossipReply& reply);

}  // namespace repram
