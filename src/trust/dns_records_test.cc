#include "trust/dns_records.h"

#include <gtest/gtest.h>

#include "trust/testing/test_signer.h"

namespace repram::trust {
namespace {

using testing::TestSigner;

constexpr int64_t kNow = 1800000000;

TEST(UsableTxtRecordsTest, TrimsAndDropsEmptyRecords) {
  Result<std::vector<std::string>> records = UsableTxtRecords("n", {"  a=1 \r\n", "", " \t", "b"});
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(*records, (std::vector<std::string>{"a=1", "b"}));
}

TEST(UsableTxtRecordsTest, FailsWhenNothingUsableRemains) {
  EXPECT_EQ(UsableTxtRecords("_omega.x", {" ", ""}).status().message(),
            "lookup _omega.x: trust: TXT lookup for _omega.x returned no usable records");
  EXPECT_FALSE(UsableTxtRecords("_omega.x", {}).ok());
}

TEST(BootstrapIndirectionTest, ReadsOmegaTarget) {
  EXPECT_EQ(*ParseBootstrapIndirection({"omega=_omega.repram.io"}), "_omega.repram.io");
}

TEST(BootstrapIndirectionTest, TrimsFieldsAndIgnoresOtherKeysAndBareWords) {
  EXPECT_EQ(*ParseBootstrapIndirection({"v=1; junk ;  omega =  _omega.test  ; x=y"}),
            "_omega.test");
}

TEST(BootstrapIndirectionTest, UsesFirstRecordInAnswerOrderWithAnOmegaKey) {
  EXPECT_EQ(*ParseBootstrapIndirection({"spf=none", "omega=first.test", "omega=second.test"}),
            "first.test");
  EXPECT_EQ(*ParseBootstrapIndirection({"omega=a.test;omega=b.test"}), "a.test");
}

TEST(BootstrapIndirectionTest, FailsWithoutOmegaKey) {
  EXPECT_EQ(ParseBootstrapIndirection({"v=spf1", "Omega=x", "omegax=y"}).status().message(),
            "trust: bootstrap TXT record has no omega= entry");
}

TEST(BootstrapIndirectionTest, FailsOnEmptyOmegaValueOfTheFirstMatchingRecord) {
  EXPECT_EQ(ParseBootstrapIndirection({"omega= ", "omega=later.test"}).status().message(),
            "trust: bootstrap TXT record has empty omega= entry");
}

TEST(SelectBestSignedListTest, PicksTheValidRecordWithTheGreatestExp) {
  TestSigner signer;
  const std::vector<std::string> records = {"garbage", signer.Record({"old:1"}, kNow + 100),
                                            signer.Record({"new:1"}, kNow + 200),
                                            signer.Record({"mid:1"}, kNow + 150)};
  Result<SignedList> best = SelectBestSignedList("t", records, signer.key().bytes, kNow);
  ASSERT_TRUE(best.ok()) << best.status().message();
  EXPECT_EQ(best->nodes, std::vector<std::string>{"new:1"});
}

TEST(SelectBestSignedListTest, BreaksExpTiesByAnswerOrder) {
  TestSigner signer;
  Result<SignedList> best = SelectBestSignedList(
      "t", {signer.Record({"first:1"}, kNow + 9), signer.Record({"second:1"}, kNow + 9)},
      signer.key().bytes, kNow);
  ASSERT_TRUE(best.ok());
  EXPECT_EQ(best->nodes, std::vector<std::string>{"first:1"});
}

TEST(SelectBestSignedListTest, IgnoresRecordsSignedByAnotherKey) {
  TestSigner signer, other;
  Result<SignedList> best = SelectBestSignedList(
      "t", {other.Record({"evil:1"}, kNow + 999), signer.Record({"good:1"}, kNow + 9)},
      signer.key().bytes, kNow);
  ASSERT_TRUE(best.ok());
  EXPECT_EQ(best->nodes, std::vector<std::string>{"good:1"});
}

TEST(SelectBestSignedListTest, ReportsTheFirstRecordsErrorWhenNoneIsValid) {
  TestSigner signer;
  EXPECT_EQ(SelectBestSignedList("_omega.t", {"v=1", signer.Record({"a:1"}, kNow - 1)},
                                 signer.key().bytes, kNow)
                .status()
                .message(),
            "parse _omega.t: trust: signed list missing required field: exp");
  EXPECT_EQ(SelectBestSignedList("_omega.t", {signer.Record({"a:1"}, kNow), "v=1"},
                                 signer.key().bytes, kNow)
                .status()
                .message(),
            "verify _omega.t: trust: signed list has expired: exp=1800000000 now=1800000000");
}

}  // namespace
}  // namespace repram::trust
