#include "cluster/hmac.h"

#include <sodium.h>

#include <array>

namespace repram::cluster {

std::string SignBody(std::string_view secret, std::string_view body) {
  crypto_auth_hmacsha256_state state;
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  std::string hex(mac.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());  // lowercase
  hex.pop_back();
  return hex;
}

SignatureCheck VerifyBody(std::string_view secret, std::string_view body, std::string_view header) {
  if (secret.empty()) return SignatureCheck::kOk;
  if (header.empty()) return SignatureCheck::kMissing;
  const std::string expected = SignBody(secret, body);
  // The length is public (always 64); only the content is compared in constant time.
  if (header.size() != expected.size() ||
      sodium_memcmp(header.data(), expected.data(), expected.size()) != 0) {
    return SignatureCheck::kInvalid;
  }
  return SignatureCheck::kOk;
}

}  // namespace repram::cluster
