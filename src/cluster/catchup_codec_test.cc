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

}  // namespace
}  // namespace repram::cluster
