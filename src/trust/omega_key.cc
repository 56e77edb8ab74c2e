#include "trust/omega_key.h"

#include <sodium.h>

#include <algorithm>

#include "trust/sodium_ready.h"
#include "util/base64.h"

namespace repram::trust {

Result<OmegaKey> ValidateOmegaPubkey(std::string_view base64) {
  const std::optional<std::string> raw = DecodeBase64Strict(base64);
  if (!raw) return Status(StatusCode::kInvalidArgument, "trust: omega pubkey is not valid base64");
  if (raw->size() != crypto_sign_PUBLICKEYBYTES) {
    return Status(StatusCode::kInvalidArgument, "trust: omega pubkey has wrong length: got " +
                                                    std::to_string(raw->size()) + " want 32");
  }
  OmegaKey key;
  std::copy(raw->begin(), raw->end(), key.bytes.begin());
  if (!SodiumReady() || crypto_core_ed25519_is_valid_point(key.bytes.data()) != 1) {
    return Status(StatusCode::kInvalidArgument,
                  "trust: omega pubkey is the placeholder or a small-order point");
  }
  return key;
}

Result<OmegaKey> LoadOmegaKey(std::string_view env_value) {
  const bool from_env = !env_value.empty();
  Result<OmegaKey> key = ValidateOmegaPubkey(from_env ? env_value : kPlaceholderOmegaPubkey);
  if (key.ok()) return key;
  const std::string source = from_env ? "REPRAM_OMEGA_PUBKEY" : "baked-in omega pubkey is invalid";
  return Status(key.status().code(), source + ": " + key.status().message());
}

}  // namespace repram::trust
