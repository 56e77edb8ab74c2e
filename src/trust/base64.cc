#include "trust/base64.h"

#include <sodium.h>

namespace repram::trust {

std::optional<std::string> DecodeBase64Strict(std::string_view text) {
  // libsodium's decoder with no ignore set, padding required and a null end pointer rejects
  // every non-canonical form (whitespace, missing padding, non-zero trailing bits, extra bytes).
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t out_len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &out_len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  out.resize(out_len);
  return out;
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the terminating NUL libsodium writes
  return out;
}

}  // namespace repram::trust
