#include "trust/verify.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <array>

#include "trust/omega_key.h"
#include "trust/root_list_cache.h"
#include "trust/signed_list.h"
#include "trust/testing/omega_vectors.h"
#include "util/base64.h"

namespace repram::trust {
namespace {

using testing::FromHex;
using testing::OmegaVectors;

std::string RfcPublicKey() {
  return FromHex(OmegaVectors()["key"]["public_hex"].get<std::string>());
}

std::span<const unsigned char> Bytes(const std::string& s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

const std::array<unsigned char, 32> kZeroKey{};

// Parses and verifies a record as the node does; returns "valid" or the error text.
std::string Verdict(const std::string& record, std::span<const unsigned char> key, int64_t now) {
  Result<SignedList> list = ParseSignedList(record);
  if (!list.ok()) return list.status().message();
  const Status s = VerifySignedList(*list, key, now);
  return s.ok() ? "valid" : s.message();
}

TEST(OmegaVectorsTest, RfcKeySignsTheEmptyMessageAsPublished) {
  const auto& key = OmegaVectors()["key"];
  const std::string pub = RfcPublicKey();
  EXPECT_EQ(EncodeBase64(pub), key["public_b64"].get<std::string>());
  const std::string sig = FromHex(key["rfc8032_empty_message_signature_hex"].get<std::string>());
  EXPECT_EQ(crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()), nullptr,
                                        0, Bytes(pub).data()),
            0);
  EXPECT_TRUE(ValidateOmegaPubkey(key["public_b64"].get<std::string>()).ok());
}

TEST(OmegaVectorsTest, EverySignedRecordParsesToItsCanonicalPayloadAndVerdict) {
  const std::string pub = RfcPublicKey();
  for (const auto& v : OmegaVectors()["records"]) {
    SCOPED_TRACE(v["id"].get<std::string>());
    Result<SignedList> list = ParseSignedList(v["txt_record"].get<std::string>());
    ASSERT_TRUE(list.ok()) << list.status().message();
    std::vector<std::string> sorted = v["nodes_input_order"].get<std::vector<std::string>>();
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(list->nodes, sorted);  // published records list the nodes in canonical order
    EXPECT_EQ(list->exp, v["exp"].get<int64_t>());
    EXPECT_EQ(CanonicalPayload(*list), v["canonical_payload"].get<std::string>());
    EXPECT_EQ(list->signature, FromHex(v["signature_hex"].get<std::string>()));
    EXPECT_EQ(EncodeBase64(list->signature), v["signature_b64"].get<std::string>());

    const auto& verdict = v["verdict_at_test_clock"];
    const Status s = VerifySignedList(*list, Bytes(pub), verdict["now"].get<int64_t>());
    if (verdict["result"] == "valid") {
      EXPECT_TRUE(s.ok()) << s.message();
    } else {
      EXPECT_EQ(s.message(), verdict["error"].get<std::string>());
    }
    // One second before expiry every honest record is valid.
    EXPECT_TRUE(VerifySignedList(*list, Bytes(pub), list->exp - 1).ok());
  }
}

TEST(OmegaVectorsTest, FormattingARecordReproducesThePublishedTxt) {
  for (const auto& v : OmegaVectors()["records"]) {
    SignedList list{"omega-v1", v["exp"].get<int64_t>(),
                    v["nodes_input_order"].get<std::vector<std::string>>(),
                    FromHex(v["signature_hex"].get<std::string>())};
    EXPECT_EQ(FormatSignedRecord(list), v["txt_record"].get<std::string>());
  }
}

TEST(OmegaVectorsTest, EveryCaseGivesItsVerdict) {
  const std::string pub = RfcPublicKey();
  int checked = 0;
  for (const auto& c : OmegaVectors()["cases"]) {
    const std::string id = c["id"].get<std::string>();
    SCOPED_TRACE(id);
    const std::span<const unsigned char> key = id == "HONEST_V1_UNDER_PLACEHOLDER_KEY"
                                                   ? std::span<const unsigned char>(kZeroKey)
                                                   : Bytes(pub);
    const std::string record = c["record"].get<std::string>();
    const std::string verdict = Verdict(record, key, c["now"].get<int64_t>());
    if (c["expect"] == "valid") {
      EXPECT_EQ(verdict, "valid");
      EXPECT_EQ(CanonicalPayload(*ParseSignedList(record)),
                c["canonical_payload"].get<std::string>());
    } else {
      EXPECT_EQ(verdict, c["error"].get<std::string>());
    }
    ++checked;
  }
  EXPECT_EQ(checked, 30);
}

TEST(OmegaVectorsTest, SmallOrderForgeryIsRejectedEvenWhenVerificationIsForced) {
  const auto& f = OmegaVectors()["small_order_forgery"];
  EXPECT_EQ(ValidateOmegaPubkey(f["public_b64"].get<std::string>()).status().message(),
            "trust: omega pubkey is the placeholder or a small-order point");

  Result<SignedList> list = ParseSignedList(f["txt_record"].get<std::string>());
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(CanonicalPayload(*list), f["message"].get<std::string>());
  EXPECT_EQ(list->signature, FromHex(f["signature_hex"].get<std::string>()));
  EXPECT_EQ(VerifySignedList(*list, kZeroKey, 1800000000).message(),
            "trust: signed list signature verification failed");
  const std::string message = f["message"].get<std::string>();
  EXPECT_NE(crypto_sign_verify_detached(Bytes(list->signature).data(), Bytes(message).data(),
                                        message.size(), kZeroKey.data()),
            0);
}

TEST(OmegaVectorsTest, CacheFileExampleDecodesToV1AndVerifies) {
  const auto& example = OmegaVectors()["cache_file_example"];
  EXPECT_EQ(example["file_name"].get<std::string>(), kCacheFileName);
  const std::string content = example["content"].get<std::string>();
  Result<SignedList> list = DecodeCacheFile(content);
  ASSERT_TRUE(list.ok()) << list.status().message();
  const auto& v1 = OmegaVectors()["records"][0];
  EXPECT_EQ(list->nodes, v1["nodes_input_order"].get<std::vector<std::string>>());
  EXPECT_TRUE(VerifySignedList(*list, Bytes(RfcPublicKey()), 1800000000).ok());
  EXPECT_EQ(EncodeCacheFile(*list), content + "\n");
}

TEST(VerifySignedListTest, ChecksVersionBeforeEverythingElse) {
  const SignedList list{"Omega-v1", 10, {}, ""};
  EXPECT_EQ(VerifySignedList(list, Bytes(RfcPublicKey()), 99).message(),
            "trust: signed list version does not match binary: got \"Omega-v1\" want \"omega-v1\"");
}

TEST(VerifySignedListTest, ChecksNodesThenKeyLengthThenSignatureLength) {
  SignedList list{"omega-v1", 100, {}, std::string(63, 'x')};
  EXPECT_EQ(VerifySignedList(list, kZeroKey, 99).message(), "trust: signed list contains no nodes");
  list.nodes = {"a:1"};
  const std::string short_key(31, 'k');
  EXPECT_EQ(VerifySignedList(list, Bytes(short_key), 99).message(),
            "trust: baked-in omega pubkey has wrong length");
  EXPECT_EQ(VerifySignedList(list, kZeroKey, 99).message(),
            "trust: signed list signature is not valid base64");
  list.signature = std::string(65, 'x');
  EXPECT_EQ(VerifySignedList(list, kZeroKey, 99).message(),
            "trust: signed list signature is not valid base64");
}

}  // namespace
}  // namespace repram::trust
