#include "app/wire_results.h"

#include "util/rfc3339.h"
#include "util/strings.h"

namespace repram {

unsigned WriteStatus(WriteResult result) {
  switch (result) {
    case WriteResult::kStoredWithQuorum:
      return 201;
    case WriteResult::kStoredPending:
      return 202;
    case WriteResult::kStorageFull:
      return 507;
    case WriteResult::kFailed:
      return 500;
  }
  return 500;
}

http::Response WriteResponse(const WriteOutcome& outcome) {
  const unsigned status = WriteStatus(outcome.result);
  switch (outcome.result) {
    case WriteResult::kStoredWithQuorum:
    case WriteResult::kStoredPending: {
      http::Response r = http::TextResponse(status, outcome.result == WriteResult::kStoredWithQuorum
                                                        ? "OK"
                                                        : "Accepted (quorum pending)");
      r.headers.emplace_back("X-Created-At", FormatRfc3339Millis(outcome.created_at));
      r.headers.emplace_back("X-Original-TTL", std::to_string(outcome.ttl));
      return r;
    }
    case WriteResult::kStorageFull:
      return http::TextResponse(status, "Node storage capacity exceeded\n");
    case WriteResult::kFailed:
      break;
  }
  return http::TextResponse(status, "Write failed: " + outcome.error + "\n");
}

http::Response PeerResponse(const cluster::PeerReply& reply) {
  using cluster::PeerOutcome;
  switch (reply.outcome) {
    case PeerOutcome::kAccepted:
      return http::JsonResponse(200, "{\"success\":true}");
    case PeerOutcome::kDocument: {
      http::Response r;  // detail is already the complete JSON document with its newline
      r.content_type = "application/json";
      r.body = reply.detail;
      return r;
    }
    case PeerOutcome::kMissingSignature:
      return http::TextResponse(403, "Missing signature\n");
    case PeerOutcome::kInvalidSignature:
      return http::TextResponse(403, "Invalid signature\n");
    case PeerOutcome::kInvalidJson:
      return http::TextResponse(400, "Invalid JSON\n");
    case PeerOutcome::kInvalidMessage:
      return http::TextResponse(400, "Invalid message: " + reply.detail + "\n");
    case PeerOutcome::kStoreFailed:
      return http::TextResponse(500, "Gossip error: " + reply.detail + "\n");
    case PeerOutcome::kNotBootstrapRoot:
      return http::JsonResponse(403, "{\"error\":\"not a bootstrap root\"}");
    case PeerOutcome::kEnclaveMismatch:
      return http::TextResponse(403, "Enclave mismatch\n");
    case PeerOutcome::kEnclaveConflict:
      return http::TextResponse(409, "Enclave mismatch\n");
    case PeerOutcome::kNotServed:
      return http::TextResponse(404, "404 page not found\n");
    case PeerOutcome::kShuttingDown:
      return http::TextResponse(503, "Shutting down\n");
    case PeerOutcome::kTooLarge:
      return http::TextResponse(413, "Request too large\n");
  }
  return http::TextResponse(500, "Internal Server Error\n");
}

}  // namespace repram
