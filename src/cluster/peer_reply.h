#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace repram::cluster {

// What a cluster handler decided about one peer request (cluster.md §2, §7.2). The integrator
// turns it into the HTTP answer; the cluster knows no status codes.
enum class PeerOutcome : uint8_t {
  kAccepted,          // gossip message handled, or ignored as a duplicate / unknown type
  kDocument,          // answered with a JSON document; detail = it (bootstrap peers, catch-up page)
  kMissingSignature,  // a cluster secret is set and X-Repram-Signature is absent
  kInvalidSignature,  // the signature does not match the body
  kInvalidJson,       // the body is not a well-formed message / bootstrap request
  kInvalidMessage,    // a PUT failed validation; detail = why
  kStoreFailed,       // the replica store refused the PUT; detail = why
  kNotBootstrapRoot,  // public network and this node is not a root: no bootstrap here
  kEnclaveMismatch,   // a catch-up request for another enclave
  kEnclaveConflict,   // an anti-entropy request names another enclave (docs/anti-entropy.md)
  kNotServed,         // this node does not serve the route (catch-up without a store)
  kShuttingDown,      // the node stopped before the answer was computed
  kTooLarge,          // a gossip batch of more messages than kMaxBatchMessages
};

// The result of one cluster handler call.
struct PeerReply {
  PeerReply() = default;
  // Implicit on purpose: `return PeerReply{PeerOutcome::kInvalidJson};` reads as the outcome.
  PeerReply(PeerOutcome o, std::string d = {}) : outcome(o), detail(std::move(d)) {}

  PeerOutcome outcome = PeerOutcome::kAccepted;
  std::string detail;  // see PeerOutcome

  // Returns true for the outcomes a peer counts as success.
  bool ok() const { return outcome == PeerOutcome::kAccepted || outcome == PeerOutcome::kDocument; }
};

// Checks X-Repram-Signature over body (cluster.md §4): nullopt when it passes (or no secret is
// set), else the kMissingSignature / kInvalidSignature reply.
std::optional<PeerReply> SignatureFailure(std::string_view secret, std::string_view body,
                                          std::string_view signature);

}  // namespace repram::cluster
