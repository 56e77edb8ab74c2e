#include "trust/omega_key.h"

#include <gtest/gtest.h>

#include "trust/testing/omega_vectors.h"

namespace repram::trust {
namespace {

const char kRfcKey[] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

TEST(OmegaKeyTest, AcceptsAValidKey) {
  Result<OmegaKey> key = ValidateOmegaPubkey(kRfcKey);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(std::string(key->bytes.begin(), key->bytes.end()),
            testing::FromHex(testing::OmegaVectors()["key"]["public_hex"].get<std::string>()));
}

TEST(OmegaKeyTest, RejectsNonStrictBase64) {
  for (const char* bad : {"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",      // unpadded
                          " 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",    // whitespace
                          "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=",     // URL-safe
                          "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp="}) {  // trailing bits
    EXPECT_EQ(ValidateOmegaPubkey(bad).status().message(),
              "trust: omega pubkey is not valid base64")
        << bad;
  }
}

TEST(OmegaKeyTest, RejectsWrongLength) {
  EXPECT_EQ(ValidateOmegaPubkey("AAAA").status().message(),
            "trust: omega pubkey has wrong length: got 3 want 32");
  EXPECT_EQ(ValidateOmegaPubkey("").status().message(),
            "trust: omega pubkey has wrong length: got 0 want 32");
}

TEST(OmegaKeyTest, RejectsPlaceholderSmallOrderAndOffCurvePoints) {
  const char* const kSmallOrder[] = {
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  // placeholder: (sqrt(-1), 0), order 4
      "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  // the identity point
      "7P///////////////////////////////////////38=",  // y = p - 1: order 2
      "7v///////////////////////////////////////38=",  // y = p + 1: non-canonical identity
  };
  for (const char* key : kSmallOrder) {
    EXPECT_EQ(ValidateOmegaPubkey(key).status().message(),
              "trust: omega pubkey is the placeholder or a small-order point")
        << key;
  }
}

TEST(OmegaKeyTest, LoadUsesEnvValueAndNamesItAsSource) {
  EXPECT_TRUE(LoadOmegaKey(kRfcKey).ok());
  EXPECT_EQ(LoadOmegaKey("AAAA").status().message(),
            "REPRAM_OMEGA_PUBKEY: trust: omega pubkey has wrong length: got 3 want 32");
}

TEST(OmegaKeyTest, LoadRefusesTheBakedInPlaceholder) {
  EXPECT_EQ(LoadOmegaKey("").status().message(),
            "baked-in omega pubkey is invalid: trust: omega pubkey is the placeholder or a "
            "small-order point");
}

}  // namespace
}  // namespace repram::trust
