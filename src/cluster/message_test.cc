#include "cluster/message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "cluster/message_id.h"
#include "cluster/testing/vectors.h"
#include "util/fake_clock.h"

namespace repram::cluster {
namespace {

using testing::LoadVectors;
using testing::ToHex;

void ExpectString(const nlohmann::json& parsed, const char* name, const std::string& actual) {
  if (!parsed.contains(name)) return;
  if (parsed.at(name).is_null()) {
    EXPECT_EQ(actual, "") << name;
  } else {
    EXPECT_EQ(actual, parsed.at(name).get<std::string>()) << name;
  }
}

TEST(MessageTest, RejectsNestingDeeperThan64BeforeParsing) {
  const std::string deep =
      R"({"type":"PING","x":)" + std::string(64, '[') + std::string(64, ']') + "}";
  EXPECT_FALSE(ParseMessage(deep).ok());  // 65 levels with the envelope
  const std::string ok =
      R"({"type":"PING","x":)" + std::string(63, '[') + std::string(63, ']') + "}";
  EXPECT_TRUE(ParseMessage(ok).ok());
  EXPECT_FALSE(ParseMessage(std::string(16 << 20, '[')).ok());
}

TEST(MessageTest, RejectsOverLongIds) {
  const auto ping = [](const std::string& from, const std::string& to, const std::string& id) {
    return ParseMessage(R"({"type":"PING","from":")" + from + R"(","to":")" + to +
                        R"(","message_id":")" + id + R"("})");
  };
  EXPECT_TRUE(ping(std::string(256, 'a'), std::string(256, 'b'), std::string(8448, 'm')).ok());
  EXPECT_FALSE(ping(std::string(257, 'a'), "b", "m").ok());
  EXPECT_FALSE(ping("a", std::string(257, 'b'), "m").ok());
  EXPECT_FALSE(ping("a", "b", std::string(8449, 'm')).ok());
  const std::string sync_from = R"({"type":"SYNC","node_info":{"id":"n","address":")";
  EXPECT_FALSE(ParseMessage(sync_from + std::string(257, 'h') + R"("}})").ok());
  EXPECT_FALSE(
      ParseMessage(R"({"type":"SYNC","node_info":{"id":")" + std::string(257, 'n') + R"("}})")
          .ok());
  EXPECT_FALSE(ParseMessage(R"({"type":"SYNC","node_info":{"id":"n","enclave":")" +
                            std::string(257, 'e') + R"("}})")
                   .ok());
}

TEST(MessageTest, ParsesEveryVectorMessage) {
  const nlohmann::json file = LoadVectors("gossip-messages.json");
  ASSERT_EQ(file.at("messages").size(), 10u);
  for (const auto& v : file.at("messages")) {
    SCOPED_TRACE(v.at("id").get<std::string>());
    Result<SimpleMessage> msg = ParseMessage(v.at("body").get<std::string>());
    ASSERT_TRUE(msg.ok());
    const nlohmann::json& p = v.at("parsed");
    ExpectString(p, "type", msg->type);
    ExpectString(p, "from", msg->from);
    ExpectString(p, "to", msg->to);
    ExpectString(p, "key", msg->key);
    ExpectString(p, "message_id", msg->message_id);
    if (p.contains("data_hex")) {
      EXPECT_EQ(ToHex(msg->data),
                p.at("data_hex").is_null() ? "" : p.at("data_hex").get<std::string>());
    }
    if (p.contains("ttl")) {
      EXPECT_EQ(msg->ttl, p.at("ttl").is_null() ? 0 : p.at("ttl").get<int>());
    }
    EXPECT_EQ(msg->timestamp, p.at("timestamp").get<int64_t>());
    if (p.contains("node_info")) {
      if (p.at("node_info").is_null()) {
        EXPECT_FALSE(msg->node_info);
      } else {
        ASSERT_TRUE(msg->node_info);
        const auto& n = p.at("node_info");
        EXPECT_EQ(msg->node_info->id, n.at("id").get<std::string>());
        EXPECT_EQ(msg->node_info->address, n.at("address").get<std::string>());
        EXPECT_EQ(msg->node_info->gossip_port, n.at("port").get<int>());
        EXPECT_EQ(msg->node_info->http_port, n.at("http_port").get<int>());
        EXPECT_EQ(msg->node_info->enclave, n.at("enclave").get<std::string>());
      }
    }
  }
}

TEST(MessageTest, ReencodesGoOrderedVectorsByteForByte) {
  const nlohmann::json file = LoadVectors("gossip-messages.json");
  // PONG_NO_ENCLAVE gains "enclave" (we always send it); TS_PUT_OBSERVED uses TS key order.
  const std::set<std::string> differ = {"PONG_NO_ENCLAVE", "TS_PUT_OBSERVED"};
  for (const auto& v : file.at("messages")) {
    const std::string body = v.at("body");
    Result<SimpleMessage> msg = ParseMessage(body);
    ASSERT_TRUE(msg.ok());
    if (differ.contains(v.at("id"))) {
      EXPECT_NE(EncodeMessage(*msg), body) << v.at("id");
    } else {
      EXPECT_EQ(EncodeMessage(*msg), body) << v.at("id");
    }
  }
}

TEST(MessageTest, InvalidAndEdgeVectorsParseOrFailAsExpected) {
  const nlohmann::json file = LoadVectors("gossip-messages.json");
  for (const auto& v : file.at("invalid_or_edge")) {
    SCOPED_TRACE(v.at("id").get<std::string>());
    Result<SimpleMessage> msg = ParseMessage(v.at("body").get<std::string>());
    const std::string expect_body = v.at("expect_body");
    if (expect_body == "Invalid JSON\n") {
      EXPECT_FALSE(msg.ok());
      continue;
    }
    ASSERT_TRUE(msg.ok());
    if (msg->type != "PUT") continue;
    const Status valid = ValidatePut(*msg);
    if (expect_body.starts_with("Invalid message: ")) {
      EXPECT_EQ("Invalid message: " + valid.message() + "\n", expect_body);
    } else {
      EXPECT_TRUE(valid.ok());
    }
  }
}

TEST(MessageTest, RejectsTypeErrorsOfEveryField) {
  for (const char* body :
       {R"({"type":1})", R"({"from":true})", R"({"to":[]})", R"({"key":{}})", R"({"data":5})",
        R"({"message_id":1})", R"({"ttl":-2147483649})", R"({"timestamp":1.5})",
        R"({"timestamp":9223372036854775808})", R"({"node_info":"x"})",
        R"({"node_info":{"port":"9090"}})", R"({"node_info":{"http_port":1.0}})",
        R"({"node_info":{"id":7}})", R"({"type":"PING"} trailing)", "null", "\"PING\"", ""}) {
    EXPECT_FALSE(ParseMessage(body).ok()) << body;
  }
}

TEST(MessageTest, NullAndMissingFieldsMeanAbsent) {
  Result<SimpleMessage> msg =
      ParseMessage(R"({"type":null,"from":null,"ttl":null,"timestamp":null,"node_info":null})");
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->type, "");
  EXPECT_EQ(msg->ttl, 0);
  EXPECT_EQ(msg->timestamp, 0);
  EXPECT_FALSE(msg->node_info);
  EXPECT_EQ(TypeOf(msg->type), MessageType::kOther);
}

TEST(MessageTest, LastDuplicateKeyWins) {
  Result<SimpleMessage> msg = ParseMessage(R"({"type":"PING","type":"PONG","ttl":1,"ttl":-5})");
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->type, "PONG");
  EXPECT_EQ(msg->ttl, -5);
}

// The canonical form (what EncodeMessage writes) is parsed without a JSON tree; every other
// spelling goes through the DOM parser. Both must give the same answers.
TEST(MessageTest, CanonicalAndOtherSpellingsParseAlike) {
  SimpleMessage put;
  put.type = "PUT";
  put.from = "node-a";
  put.key = "k";
  put.data = std::string("\0\xff value", 8);
  put.ttl = -300;
  put.timestamp = 1772366400;
  put.message_id = "node-a-1772366400000000000-7";
  for (const std::string& body :
       {EncodeMessage(put),
        std::string(R"({"message_id":"node-a-1772366400000000000-7","ttl":-300,"type":"PUT",)"
                    R"("key":"k","from":"node-a","timestamp":1772366400,"data":"AP8gdmFsdWU="})"),
        std::string(R"({ "type":"PUT","from":"node-a","key":"k","data":"AP8gdmFsdWU=","ttl":-300,)"
                    R"("timestamp":1772366400,"message_id":"node-a-1772366400000000000-7"})")}) {
    Result<SimpleMessage> msg = ParseMessage(body);
    ASSERT_TRUE(msg.ok()) << body;
    EXPECT_EQ(EncodeMessage(*msg), EncodeMessage(put)) << body;
  }
  const Result<SimpleMessage> big =
      ParseMessage(R"({"type":"PING","timestamp":-9223372036854775808})");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->timestamp, std::numeric_limits<int64_t>::min());
  // Found by fuzz_gossip_message: a long digit run must not overflow the fast path.
  EXPECT_FALSE(ParseMessage(R"({"type":"PUT","timestamp":1795795823434072000000-1"})").ok());
  EXPECT_EQ(ParseMessage(R"({"type":"PUT","timestamp":123456789012345678})").value().timestamp,
            123456789012345678);
  EXPECT_EQ(ParseMessage(R"({"type":"PUT","key":"a\u002fb"})").value().key, "a/b");
  for (const std::string body :
       {R"({"type":"PUT","ttl":01})", R"({"type":"PUT","ttl":1.5})", R"({"type":"PUT","ttl":1e2})",
        R"({"type":"PUT","ttl":2147483648})", R"({"type":"PUT","ttl":-})", R"({"type":"PUT"}x)",
        R"({"type":"PUT","data":"abc"})", R"({"type":"PUT","data":"YWJj"x})", R"({"type":"PUT",})",
        R"({"type":"PUT")", R"({"type":7})"}) {
    EXPECT_FALSE(ParseMessage(body).ok()) << body;
  }
  EXPECT_FALSE(ParseMessage(R"({"type":"PUT","from":")" + std::string(257, 'f') + R"("})").ok());
}

// PONGs and SYNCs carry node_info; their canonical form takes the fast path too.
TEST(MessageTest, CanonicalNodeInfoParsesLikeTheTree) {
  SimpleMessage pong;
  pong.type = "PONG";
  pong.from = "node-a";
  pong.to = "node-b";
  pong.timestamp = 1772366400;
  pong.message_id = "node-a-1772366400000000000-8";
  pong.node_info =
      NodeInfo{.id = "node-a", .address = "10.0.0.1", .gossip_port = 9090, .http_port = 8080};
  const std::string body = EncodeMessage(pong);
  Result<SimpleMessage> fast = ParseMessage(body);
  Result<SimpleMessage> tree = ParseMessageTree(body);
  ASSERT_TRUE(fast.ok());
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(fast->node_info, pong.node_info);
  EXPECT_EQ(EncodeMessage(*fast), EncodeMessage(*tree));
  const std::string head =
      R"({"type":"SYNC","from":"a","timestamp":1,"message_id":"m","node_info":)";
  for (const std::string node :
       {R"({"id":"a","address":"h","port":70000,"http_port":-1,"enclave":""})",
        R"({"id":"a","address":"h","port":1,"http_port":2,"enclave":"e","x":1})",
        R"({"address":"h","id":"a","port":1,"http_port":2,"enclave":"e"})",
        R"({"id":"a","address":"h","port":1,"http_port":2})", R"({"id":"a","port":"1"})", R"(null)",
        R"({"id":"a","address":"h","port":1,"http_port":2,"enclave":"e"})"}) {
    const std::string sync = head + node + "}";
    Result<SimpleMessage> a = ParseMessage(sync);
    Result<SimpleMessage> b = ParseMessageTree(sync);
    ASSERT_EQ(a.ok(), b.ok()) << sync;
    if (a.ok()) {
      EXPECT_EQ(a->node_info, b->node_info) << sync;
    }
  }
}

TEST(MessageTest, AcceptsInt32AndInt64Bounds) {
  Result<SimpleMessage> msg =
      ParseMessage(R"({"ttl":-2147483648,"timestamp":-9223372036854775808})");
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->ttl, INT32_MIN);
  EXPECT_EQ(msg->timestamp, INT64_MIN);
  EXPECT_TRUE(ParseMessage(R"({"ttl":2147483647,"timestamp":9223372036854775807})").ok());
}

TEST(MessageTest, EmptyEnclaveInNodeInfoNormalizesToDefault) {
  Result<SimpleMessage> msg = ParseMessage(R"({"node_info":{"id":"a","enclave":""}})");
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->node_info->enclave, "default");
}

TEST(MessageTest, EncodeOmitsEmptyOptionalFields) {
  SimpleMessage ping;
  ping.type = "PING";
  ping.from = "a";
  ping.timestamp = 7;
  EXPECT_EQ(EncodeMessage(ping), R"({"type":"PING","from":"a","timestamp":7,"message_id":""})");
  SimpleMessage sync;
  sync.type = "SYNC";
  sync.from = "a";
  sync.ttl = -1;
  sync.message_id = "m";
  sync.node_info = NodeInfo{.id = "b", .address = "h", .gossip_port = 1, .http_port = 2};
  EXPECT_EQ(EncodeMessage(sync),
            R"({"type":"SYNC","from":"a","ttl":-1,"timestamp":0,"message_id":"m",)"
            R"("node_info":{"id":"b","address":"h","port":1,"http_port":2,"enclave":"default"}})");
}

TEST(MessageTest, EncodeEscapesStringsWithTheNodeRules) {
  SimpleMessage msg;
  msg.type = "PUT";
  msg.from = "a\"b";
  msg.key = std::string("k\x01\xff", 3);
  EXPECT_EQ(EncodeMessage(msg),
            R"({"type":"PUT","from":"a\"b","key":"k\u0001\ufffd","timestamp":0,"message_id":""})");
}

TEST(MessageTest, ValidatePutChecksKeyLengthAndSlash) {
  SimpleMessage msg;
  msg.message_id = "m";
  msg.key = std::string(8192, 'k');
  EXPECT_TRUE(ValidatePut(msg).ok());
  msg.key.push_back('k');
  EXPECT_EQ(ValidatePut(msg).message(), "bad key");
  msg.key = "";
  EXPECT_EQ(ValidatePut(msg).message(), "bad key");
  msg.key = "ok";
  msg.message_id = "";
  EXPECT_EQ(ValidatePut(msg).message(), "message_id required");
}

TEST(MessageIdTest, HasNodeIdNanosAndIncreasingCounter) {
  FakeClock clock;
  const std::string a = NewMessageId("node-1", clock.WallNow());
  const std::string b = NewMessageId("node-1", clock.WallNow());
  const char* shape = "node-1-1772366400000000000-[0-9]+";
  EXPECT_THAT(a, ::testing::MatchesRegex(shape));
  EXPECT_THAT(b, ::testing::MatchesRegex(shape));
  EXPECT_LT(std::stoull(a.substr(a.rfind('-') + 1)), std::stoull(b.substr(b.rfind('-') + 1)));
}

}  // namespace
}  // namespace repram::cluster
