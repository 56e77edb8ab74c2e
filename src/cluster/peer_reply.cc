#include "cluster/peer_reply.h"

#include "cluster/hmac.h"

namespace repram::cluster {

std::optional<PeerReply> SignatureFailure(std::string_view secret, std::string_view body,
                                          std::string_view signature) {
  switch (VerifyBody(secret, body, signature)) {
    case SignatureCheck::kOk:
      return std::nullopt;
    case SignatureCheck::kMissing:
      return PeerReply{PeerOutcome::kMissingSignature};
    case SignatureCheck::kInvalid:
      break;
  }
  return PeerReply{PeerOutcome::kInvalidSignature};
}

}  // namespace repram::cluster
