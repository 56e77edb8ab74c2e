#include "trust/signed_list.h"

#include <gtest/gtest.h>

#include "util/base64.h"

namespace repram::trust {
namespace {

const std::string kSig =
    "e1e0+kZgixx+jlqvKKaL42rHEUxiGBR/P+JTHZPUR805xzFfTEnzlDvqQsejLJuDiKEnYdThl/AtQXGCwajkCw==";

std::string ParseErrorOf(std::string_view record) {
  Result<SignedList> list = ParseSignedList(record);
  return list.ok() ? "ok" : list.status().message();
}

TEST(SignedListTest, ParsesAllFieldsKeepingReceivedNodeOrder) {
  Result<SignedList> list =
      ParseSignedList("v=omega-v1;exp=1900000000;nodes=b:1,a:2,b:1;sig=" + kSig);
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(list->version, "omega-v1");
  EXPECT_EQ(list->exp, 1900000000);
  EXPECT_EQ(list->nodes, (std::vector<std::string>{"b:1", "a:2", "b:1"}));
  EXPECT_EQ(list->signature, *DecodeBase64Strict(kSig));
}

TEST(SignedListTest, SkipsOnlyExactlyEmptySegments) {
  EXPECT_EQ(ParseErrorOf(";;v=x;exp=1;nodes=a;;sig=" + kSig + ";"), "ok");
  EXPECT_EQ(ParseErrorOf("v=x; ;exp=1;nodes=a;sig=" + kSig),
            "trust: signed list has malformed field: \" \"");
}

TEST(SignedListTest, SplitsAtTheFirstEquals) {
  Result<SignedList> list = ParseSignedList("v=a=b;exp=1;nodes=n=1;sig=" + kSig);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->version, "a=b");
  EXPECT_EQ(list->nodes, std::vector<std::string>{"n=1"});
}

TEST(SignedListTest, AllowsEmptyVersionValueForTheVerifierToReject) {
  Result<SignedList> list = ParseSignedList("v=;exp=1;nodes=a;sig=" + kSig);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->version, "");
}

TEST(SignedListTest, ReportsDuplicateBeforeValueChecks) {
  EXPECT_EQ(ParseErrorOf("v=x;v=y;exp=1;nodes=a;sig=" + kSig),
            "trust: signed list has duplicate field: v");
  EXPECT_EQ(ParseErrorOf("v=x;exp=1;nodes=a;sig=" + kSig + ";sig=!!"),
            "trust: signed list has duplicate field: sig");
  EXPECT_EQ(ParseErrorOf("v=x;nodes=a;nodes=;exp=1;sig=" + kSig),
            "trust: signed list has duplicate field: nodes");
}

TEST(SignedListTest, FirstFailureLeftToRightWins) {
  EXPECT_EQ(ParseErrorOf("v=x;exp=zz;foo=1;nodes=a;sig=" + kSig),
            "trust: signed list has malformed field: exp=\"zz\"");
  EXPECT_EQ(ParseErrorOf("foo=1;v=x;exp=zz"), "trust: signed list has unknown field: foo");
  EXPECT_EQ(ParseErrorOf("v=x;sig=bad;garbage"),
            "trust: signed list signature is not valid base64");
}

TEST(SignedListTest, ReportsMissingFieldsInSpecOrder) {
  EXPECT_EQ(ParseErrorOf("sig=" + kSig), "trust: signed list missing required field: v");
  EXPECT_EQ(ParseErrorOf("sig=" + kSig + ";v=x"), "trust: signed list missing required field: exp");
  EXPECT_EQ(ParseErrorOf("sig=" + kSig + ";v=x;exp=5"),
            "trust: signed list missing required field: nodes");
  EXPECT_EQ(ParseErrorOf("v=x;exp=5;nodes=a"), "trust: signed list missing required field: sig");
}

TEST(SignedListTest, RejectsWhitespaceOnlyRecordAsEmpty) {
  EXPECT_EQ(ParseErrorOf(" \t\r\n"), "trust: signed list has malformed field: empty record");
}

TEST(SignedListTest, RejectsExpOutsideInt64) {
  EXPECT_EQ(ParseErrorOf("v=x;exp=9223372036854775808;nodes=a;sig=" + kSig),
            "trust: signed list has malformed field: exp=\"9223372036854775808\"");
  EXPECT_EQ(ParseErrorOf("v=x;exp=9223372036854775807;nodes=a;sig=" + kSig), "ok");
  EXPECT_EQ(ParseErrorOf("v=x;exp=-9223372036854775808;nodes=a;sig=" + kSig), "ok");
}

TEST(SignedListTest, RejectsEmptyAndSignedOnlyExp) {
  EXPECT_EQ(ParseErrorOf("v=x;exp=;nodes=a;sig=" + kSig),
            "trust: signed list has malformed field: exp=\"\"");
  EXPECT_EQ(ParseErrorOf("v=x;exp=+;nodes=a;sig=" + kSig),
            "trust: signed list has malformed field: exp=\"+\"");
  EXPECT_EQ(ParseErrorOf("v=x;exp=1 2;nodes=a;sig=" + kSig),
            "trust: signed list has malformed field: exp=\"1 2\"");
}

TEST(SignedListTest, QuotesMalformedSegmentsLikeGo) {
  EXPECT_EQ(ParseErrorOf("v=x;a\"b\\c\x01\xff\xc3\xa9"),
            "trust: signed list has malformed field: \"a\\\"b\\\\c\\x01\\xff\xc3\xa9\"");
  EXPECT_EQ(GoQuote("tab\there\n"), "\"tab\\there\\n\"");
}

TEST(SignedListTest, CanonicalPayloadSortsBytewiseAndRendersExpInDecimal) {
  SignedList list{
      "omega-v1",
      42,
      {"b.example:1", "A.example:1", "\xc3\xa9:1", "10.0.0.2:1", "a.example:1", "b.example:1"},
      ""};
  EXPECT_EQ(CanonicalPayload(list),
            "v=omega-v1;exp=42;nodes=10.0.0.2:1,A.example:1,a.example:1,b.example:1,b.example:1,"
            "\xc3\xa9:1");
  list.exp = -7;
  EXPECT_EQ(CanonicalPayload(list).substr(0, 19), "v=omega-v1;exp=-7;n");
}

TEST(SignedListTest, FormattedRecordParsesBackToTheSameList) {
  SignedList list{"omega-v1", 1900000000, {"z:1", "a:2"}, *DecodeBase64Strict(kSig)};
  const std::string record = FormatSignedRecord(list);
  EXPECT_EQ(record, "v=omega-v1;exp=1900000000;nodes=a:2,z:1;sig=" + kSig);
  Result<SignedList> parsed = ParseSignedList(record);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->signature, list.signature);
  EXPECT_EQ(CanonicalPayload(*parsed), CanonicalPayload(list));
}

}  // namespace
}  // namespace repram::trust
