#include "cluster/catchup_codec.h"

#include <gtest/gtest.h>

namespace repram::cluster {
namespace {

TEST(CatchupRequestTest, ParsesTheSpecBodyAndRoundTrips) {
  const CatchupRequest req{.node_id = "node-c",
                           .enclave = "blue",
                           .cursor = "k\"1",
                           .limit = 500,
                           .timestamp = 1700000000};
  const std::string body = EncodeCatchupRequest(req);
  EXPECT_EQ(body, R"({"node_id":"node-c","enclave":"blue","cursor":"k\"1","limit":500,)"
                  R"("timestamp":1700000000})");
  Result<CatchupRequest> parsed = ParseCatchupRequest(body);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->node_id, "node-c");
  EXPECT_EQ(parsed->enclave, "blue");
  EXPECT_EQ(parsed->cursor, "k\"1");
  EXPECT_EQ(parsed->limit, 500);
  EXPECT_EQ(parsed->timestamp, 1700000000);
}

TEST(CatchupRequestTest, ClampsTheLimitAndDefaultsAbsentFields) {
  auto limit_of = [](const std::string& body) { return ParseCatchupRequest(body)->limit; };
  EXPECT_EQ(limit_of("{}"), 1000);
  EXPECT_EQ(limit_of(R"({"limit":null})"), 1000);
  EXPECT_EQ(limit_of(R"({"limit":0})"), 1);
  EXPECT_EQ(limit_of(R"({"limit":-7})"), 1);
  EXPECT_EQ(limit_of(R"({"limit":1})"), 1);
  EXPECT_EQ(limit_of(R"({"limit":10000})"), 10000);
  EXPECT_EQ(limit_of(R"({"limit":10001})"), 10000);
  EXPECT_EQ(limit_of(R"({"limit":9223372036854775807})"), 10000);
  Result<CatchupRequest> empty = ParseCatchupRequest("{}");
  EXPECT_EQ(empty->cursor, "");
  EXPECT_EQ(empty->enclave, "default");
}

TEST(CatchupRequestTest, RejectsMalformedBodies) {
  for (const char* body : {"", "[]", "\"x\"", "{", "{\"limit\":300.5}", "{\"limit\":\"5\"}",
                           "{\"cursor\":5}", "{\"node_id\":true}", "{\"enclave\":[]}",
                           "{\"timestamp\":1.5}", "{\"limit\":9223372036854775808}"}) {
    EXPECT_FALSE(ParseCatchupRequest(body).ok()) << body;
  }
}

TEST(CatchupPageTest, WriterOutputParsesBack) {
  CatchupPageWriter writer;
  writer.Add("a", std::string("\0\xff", 2), 5, 300);
  writer.Add("b\n", "", 1, 1);
  const std::string body = writer.Finish(std::string("b\n"));
  EXPECT_EQ(body,
            R"({"entries":[{"key":"a","data":"AP8=","remaining_ttl":5,"original_ttl":300},)"
            R"({"key":"b\n","data":"","remaining_ttl":1,"original_ttl":1}],"next_cursor":"b\n"})"
            "\n");
  Result<CatchupPage> page = ParseCatchupPage(body);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].value, std::string("\0\xff", 2));
  EXPECT_EQ(page->entries[0].remaining_ttl, 5);
  EXPECT_EQ(page->entries[0].original_ttl, 300);
  EXPECT_EQ(page->entries[1].key, "b\n");
  EXPECT_EQ(page->next_cursor, "b\n");
}

TEST(CatchupPageTest, EmptyLastPageHasNoCursor) {
  const std::string body = CatchupPageWriter().Finish(std::nullopt);
  EXPECT_EQ(body, "{\"entries\":[]}\n");
  Result<CatchupPage> page = ParseCatchupPage(body);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->entries.empty());
  EXPECT_FALSE(page->next_cursor.has_value());
}

TEST(CatchupPageTest, SkipsUnknownMembersOfAnyShape) {
  Result<CatchupPage> page = ParseCatchupPage(
      R"({"version":{"a":[1,{"b":null}]},"entries":[{"key":"k","extra":[{"x":1},2],)"
      R"("data":"dg==","remaining_ttl":3,"original_ttl":9,"flag":true,"f":1.5}],)"
      R"("next_cursor":null,"tail":"x"})");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].key, "k");
  EXPECT_EQ(page->entries[0].value, "v");
  EXPECT_EQ(page->entries[0].remaining_ttl, 3);
  EXPECT_EQ(page->entries[0].original_ttl, 9);
  EXPECT_FALSE(page->next_cursor.has_value());
}

TEST(CatchupPageTest, RejectsUnreadablePages) {
  for (const char* body : {
           "404 page not found\n",
           "{}",
           R"({"entries":{}})",
           R"({"entries":[1]})",
           R"({"entries":[{"key":"a","data":"AP8","remaining_ttl":1,"original_ttl":1}]})",
           R"({"entries":[{"key":"a","data":"AP8=","remaining_ttl":1.5,"original_ttl":1}]})",
           R"({"entries":[{"key":"a","data":"AP8=","original_ttl":1}]})",
           R"({"entries":[{"data":"AP8=","remaining_ttl":1,"original_ttl":1}]})",
           R"({"entries":[],"next_cursor":7})",
           R"({"entries":[]} trailing)",
           R"({"entries":[{"key":"a","data":"AP8=","remaining_ttl":"1","original_ttl":1}]})",
           R"({"entries":[{"key":null,"data":"AP8=","remaining_ttl":1,"original_ttl":1}]})",
           R"({"entries":[{"key":"a","data":"AP8=","remaining_ttl":1,"original_ttl":{}}]})",
           R"({"entries":[{"key":"a","data":"AP8=","remaining_ttl":9223372036854775808,)"
           R"("original_ttl":1}]})",
           R"({"entries":[[]]})",
           R"({"entries":null})",
           "[]",
       }) {
    EXPECT_FALSE(ParseCatchupPage(body).ok()) << body;
  }
}

void ExpectSamePage(const CatchupPage& a, const CatchupPage& b, std::string_view body) {
  ASSERT_EQ(a.entries.size(), b.entries.size()) << body;
  for (size_t i = 0; i < a.entries.size(); ++i) {
    EXPECT_EQ(a.entries[i].key, b.entries[i].key) << body;
    EXPECT_EQ(a.entries[i].value, b.entries[i].value) << body;
    EXPECT_EQ(a.entries[i].remaining_ttl, b.entries[i].remaining_ttl) << body;
    EXPECT_EQ(a.entries[i].original_ttl, b.entries[i].original_ttl) << body;
  }
  EXPECT_EQ(a.next_cursor, b.next_cursor) << body;
}

// The fast reader accepts only bodies the general reader accepts, with the same page; it reads
// every writer output whose strings need no escape; anything else is left to the general one.
TEST(CatchupPageTest, CanonicalReaderAgreesWithTheGeneralReader) {
  const std::string one = R"({"key":"k","data":"dg==","remaining_ttl":3,"original_ttl":9})";
  std::vector<std::string> bodies = {
      "{\"entries\":[]}\n",
      "{\"entries\":[]}",
      "{\"entries\":[]} \r\n\t",
      "{\"entries\":[" + one + "]}",
      "{\"entries\":[" + one + "," + one + "],\"next_cursor\":\"k\"}\n",
      "{\"entries\":[" + one + "],\"next_cursor\":\"k\"} x",
      "{\"entries\":[" + one + "],\"next_cursor\":null}",
      "{\"entries\":[" + one + "],}",
      "{\"entries\":[" + one + ",]}",
      "{\"entries\":[" + one + "]",
      " {\"entries\":[]}",
      "{ \"entries\":[]}",
      R"({"entries":[{"key":"a\"b","data":"","remaining_ttl":1,"original_ttl":1}]})",
      R"({"entries":[{"key":"a\u00e9","data":"","remaining_ttl":1,"original_ttl":1}]})",
      "{\"entries\":[{\"key\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"data\":\"\","
      "\"remaining_ttl\":1,\"original_ttl\":1}]}",
      "{\"entries\":[{\"key\":\"\xc3\",\"data\":\"\",\"remaining_ttl\":1,\"original_ttl\":1}]}",
      "{\"entries\":[{\"key\":\"\xed\xa0\x80\",\"data\":\"\",\"remaining_ttl\":1,"
      "\"original_ttl\":1}]}",
      "{\"entries\":[{\"key\":\"\xc0\xaf\",\"data\":\"\",\"remaining_ttl\":1,\"original_ttl\":1}]}",
      "{\"entries\":[{\"key\":\"a\tb\",\"data\":\"\",\"remaining_ttl\":1,\"original_ttl\":1}]}",
      "{\"entries\":[{\"key\":\"\x7f\",\"data\":\"\",\"remaining_ttl\":1,\"original_ttl\":1}]}",
      R"({"entries":[{"key":"","data":"","remaining_ttl":0,"original_ttl":-0}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":-5,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":01,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":-01,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":-,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":+1,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":1.0,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":1e3,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":1E3,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":9223372036854775807,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":9223372036854775808,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":-9223372036854775808,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":-9223372036854775809,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"dg=","remaining_ttl":1,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"dh==","remaining_ttl":1,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"d\u0067==","remaining_ttl":1,"original_ttl":1}]})",
      R"({"entries":[{"data":"","key":"a","remaining_ttl":1,"original_ttl":1}]})",
      R"({"entries":[{"key":"a","data":"","remaining_ttl":1,"original_ttl":1,"x":1}]})",
      R"({"next_cursor":"a","entries":[]})",
      R"({"entries":[],"next_cursor":"a","next_cursor":"b"})",
      R"({"entries":[],"next_cursor":"a\/b"})",
      std::string("{\"entries\":[]}\0", 15),
  };
  CatchupPageWriter writer;
  for (int i = 0; i < 50; ++i) {
    std::string value;
    for (int b = 0; b < i; ++b) value.push_back(static_cast<char>(b * 37 + i));
    writer.Add("key-\xc3\xa9-" + std::to_string(i), value, i, 2 * i + 1);
  }
  const std::string written = writer.Finish(std::string("key-\xc3\xa9-49"));
  bodies.push_back(written);
  for (const std::string& body : bodies) {
    const std::optional<CatchupPage> fast = ReadCanonicalCatchupPage(body);
    const Result<CatchupPage> general = ReadCatchupPageGeneral(body);
    if (fast) {
      ASSERT_TRUE(general.ok()) << body;
      ExpectSamePage(*fast, *general, body);
    }
    const Result<CatchupPage> parsed = ParseCatchupPage(body);
    ASSERT_EQ(parsed.ok(), general.ok()) << body;
    if (parsed.ok()) ExpectSamePage(*parsed, *general, body);
  }
  // The writer's own output (and its empty page) takes the fast path.
  EXPECT_TRUE(ReadCanonicalCatchupPage(written).has_value());
  EXPECT_EQ(ReadCanonicalCatchupPage(written)->entries.size(), 50u);
  EXPECT_TRUE(ReadCanonicalCatchupPage(CatchupPageWriter().Finish(std::nullopt)).has_value());
}

}  // namespace
}  // namespace repram::cluster
