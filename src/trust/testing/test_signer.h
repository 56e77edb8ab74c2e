#pragma once

#include <sodium.h>

#include <string>
#include <vector>

#include "trust/omega_key.h"
#include "trust/signed_list.h"
#include "util/base64.h"

namespace repram::trust::testing {

// A fresh Ed25519 key pair that signs omega lists the way repram-omega does (test-only).
class TestSigner {
 public:
  TestSigner() {
    if (sodium_init() < 0) std::abort();
    crypto_sign_keypair(key_.bytes.data(), secret_);
  }
  // Returns the validated public key.
  const OmegaKey& key() const { return key_; }
  // Returns the public key in std base64.
  std::string public_b64() const {
    return EncodeBase64(std::string_view(reinterpret_cast<const char*>(key_.bytes.data()), 32));
  }
  // Returns a signed list for nodes expiring at exp.
  SignedList Sign(std::vector<std::string> nodes, int64_t exp) const {
    SignedList list{std::string(kOmegaVersion), exp, std::move(nodes), {}};
    const std::string payload = CanonicalPayload(list);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(payload.data()),
                         payload.size(), secret_);
    list.signature.assign(reinterpret_cast<const char*>(sig), sizeof(sig));
    return list;
  }
  // Returns the TXT record text of Sign(nodes, exp).
  std::string Record(std::vector<std::string> nodes, int64_t exp) const {
    return FormatSignedRecord(Sign(std::move(nodes), exp));
  }

 private:
  OmegaKey key_;
  unsigned char secret_[crypto_sign_SECRETKEYBYTES];
};

}  // namespace repram::trust::testing
