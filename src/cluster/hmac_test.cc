#include "cluster/hmac.h"

#include <gtest/gtest.h>

#include "cluster/testing/vectors.h"

namespace repram::cluster {
namespace {

using testing::LoadVectors;

TEST(HmacTest, MatchesEveryVector) {
  const nlohmann::json file = LoadVectors("hmac.json");
  int checked = 0;
  for (const char* list : {"vectors", "extra_vectors"}) {
    for (const auto& v : file.at(list)) {
      const std::string body = v.at("body");
      ASSERT_EQ(body.size(), v.at("body_length").get<size_t>()) << v.at("id");
      EXPECT_EQ(SignBody(v.at("secret").get<std::string>(), body),
                v.at("hmac_sha256_hex").get<std::string>())
          << v.at("id");
      ++checked;
    }
  }
  EXPECT_EQ(checked, 9);
}

TEST(HmacTest, ReceiverChecksMatchVectors) {
  const nlohmann::json file = LoadVectors("hmac.json");
  std::map<std::string, std::string> bodies;
  for (const auto& v : file.at("vectors")) bodies[v.at("id")] = v.at("body");
  for (const auto& check : file.at("receiver_checks")) {
    const std::string body = check.contains("body") ? check.at("body").get<std::string>()
                                                    : bodies.at(check.at("body_ref"));
    const std::string header =
        check.at("header").is_null() ? "" : check.at("header").get<std::string>();
    const SignatureCheck result = VerifyBody(check.at("secret").get<std::string>(), body, header);
    const int status = check.at("expect_status");
    if (status == 200) {
      EXPECT_EQ(result, SignatureCheck::kOk) << check.at("case");
    } else if (check.at("expect_body") == "Missing signature\n") {
      EXPECT_EQ(result, SignatureCheck::kMissing) << check.at("case");
    } else {
      EXPECT_EQ(result, SignatureCheck::kInvalid) << check.at("case");
    }
    if (check.contains("mac_of_this_body")) {
      EXPECT_EQ(SignBody(check.at("secret").get<std::string>(), body),
                check.at("mac_of_this_body").get<std::string>());
    }
  }
}

TEST(HmacTest, SignatureIsLowercaseHexOf64Chars) {
  const std::string mac = SignBody("k", "body");
  ASSERT_EQ(mac.size(), 64u);
  EXPECT_EQ(mac.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace repram::cluster
