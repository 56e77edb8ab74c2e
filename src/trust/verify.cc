#include "trust/verify.h"

#include <sodium.h>

#include <string>

namespace repram::trust {
namespace {

Status VerifyError(std::string detail) {
  return Status(StatusCode::kPermissionDenied, "trust: " + std::move(detail));
}

}  // namespace

Status VerifySignedList(const SignedList& list, std::span<const unsigned char> pubkey,
                        int64_t now) {
  if (list.version != kOmegaVersion) {
    return VerifyError("signed list version does not match binary: got " + GoQuote(list.version) +
                       " want \"" + std::string(kOmegaVersion) + "\"");
  }
  if (now >= list.exp) {
    return VerifyError("signed list has expired: exp=" + std::to_string(list.exp) +
                       " now=" + std::to_string(now));
  }
  if (list.nodes.empty()) return VerifyError("signed list contains no nodes");
  if (pubkey.size() != crypto_sign_PUBLICKEYBYTES) {
    return VerifyError("baked-in omega pubkey has wrong length");
  }
  if (list.signature.size() != crypto_sign_BYTES) {
    return VerifyError("signed list signature is not valid base64");
  }
  const std::string payload = CanonicalPayload(list);
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(list.signature.data()),
                                  reinterpret_cast<const unsigned char*>(payload.data()),
                                  payload.size(), pubkey.data()) != 0) {
    return VerifyError("signed list signature verification failed");
  }
  return Status::Ok();
}

}  // namespace repram::trust
