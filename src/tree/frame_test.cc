#include "tree/frame.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "cluster/hmac.h"
#include "cluster/testing/vectors.h"
#include "tree/lifecycle.h"

namespace repram::tree {
namespace {

using cluster::testing::LoadVectors;

FrameType TypeOfVector(const nlohmann::json& v) {
  return FrameTypeOf(v.at("envelope_type").get<std::string>());
}

TEST(FrameTest, EncodesEveryVectorInGoKeyOrder) {
  const nlohmann::json file = LoadVectors("ws-frames.json");
  const std::string secret = file.at("secret");
  for (const nlohmann::json& v : file.at("frames")) {
    SCOPED_TRACE(v.at("id").get<std::string>());
    const std::string payload = v.at("payload");
    EXPECT_EQ(payload.size(), v.at("payload_length").get<size_t>());
    EXPECT_EQ(cluster::SignBody(secret, payload), v.at("signature").get<std::string>());
    EXPECT_EQ(EncodeFrame(TypeOfVector(v), payload, secret),
              v.at("frame_go_order").get<std::string>());
  }
}

TEST(FrameTest, DecodesEveryVectorInBothKeyOrders) {
  const nlohmann::json file = LoadVectors("ws-frames.json");
  const std::string secret = file.at("secret");
  for (const nlohmann::json& v : file.at("frames")) {
    for (const char* order : {"frame_go_order", "frame_ts_order"}) {
      SCOPED_TRACE(v.at("id").get<std::string>() + " " + order);
      const std::string text = v.at(order);
      ReceivedFrame frame;
      ASSERT_EQ(DecodeFrame(text, secret, frame), FrameCheck::kOk);
      EXPECT_EQ(frame.type, TypeOfVector(v));
      EXPECT_EQ(frame.payload, v.at("payload").get<std::string>());
    }
  }
}

TEST(FrameTest, EscapeTrapBothFormsVerifyOverTheirOwnBytesOnly) {
  const nlohmann::json file = LoadVectors("ws-frames.json");
  const std::string secret = file.at("secret");
  const nlohmann::json& trap = file.at("escape_trap");
  for (const char* form : {"go_form", "js_form"}) {
    SCOPED_TRACE(form);
    const std::string text = trap.at(form).at("frame");
    ReceivedFrame frame;
    ASSERT_EQ(DecodeFrame(text, secret, frame), FrameCheck::kOk);
    EXPECT_EQ(frame.payload, trap.at(form).at("payload").get<std::string>());
  }
  // Swapped signatures are dropped.
  const std::string go_payload = trap.at("go_form").at("payload");
  const std::string js_payload = trap.at("js_form").at("payload");
  const std::string swapped = R"({"type":"goodbye","signature":")" +
                              trap.at("js_form").at("signature").get<std::string>() +
                              R"(","payload":)" + go_payload + "}";
  ReceivedFrame frame;
  EXPECT_EQ(DecodeFrame(swapped, secret, frame), FrameCheck::kBadSignature);
  // Our sender emits the js form: a goodbye with reason "a<b" serializes to exactly its bytes.
  const std::string ours = EncodeGoodbye(Goodbye{"a<b", {}});
  EXPECT_EQ(ours, js_payload);
  EXPECT_EQ(EncodeFrame(FrameType::kGoodbye, ours, secret),
            trap.at("js_form").at("frame").get<std::string>());
}

TEST(FrameTest, ReceiverChecks) {
  const nlohmann::json file = LoadVectors("ws-frames.json");
  for (const nlohmann::json& check : file.at("receiver_checks")) {
    const std::string name = check.at("case");
    SCOPED_TRACE(name);
    const std::string expect = check.at("expect");
    ReceivedFrame frame;
    const FrameCheck result = DecodeFrame(check.at("frame").get<std::string>(),
                                          check.at("receiver_secret").get<std::string>(), frame);
    if (expect == "accept") {
      EXPECT_EQ(result, FrameCheck::kOk);
    } else if (expect.starts_with("drop")) {
      EXPECT_EQ(result, FrameCheck::kBadSignature);
    } else {
      EXPECT_EQ(result, FrameCheck::kMalformed);
    }
  }
}

TEST(FrameTest, EveryTypeScriptTranscriptFrameVerifiesAndParses) {
  const nlohmann::json file = LoadVectors("ws-ts-transcript.json");
  const std::string secret = file.at("secret");
  ASSERT_FALSE(file.at("frames").empty());
  for (const nlohmann::json& f : file.at("frames")) {
    SCOPED_TRACE(f.at("note").get<std::string>());
    const std::string text = f.at("frame");
    ReceivedFrame frame;
    ASSERT_EQ(DecodeFrame(text, secret, frame), FrameCheck::kOk);
    EXPECT_TRUE(f.at("signature_verifies_over_raw_payload").get<bool>());
    switch (frame.type) {
      case FrameType::kHello:
        EXPECT_TRUE(ParseHello(frame.payload).has_value());
        break;
      case FrameType::kWelcome: {
        const std::optional<Welcome> welcome = ParseWelcome(frame.payload);
        ASSERT_TRUE(welcome.has_value());
        EXPECT_EQ(welcome->parent_id, "ts-sub");
        ASSERT_EQ(welcome->topology.size(), 1u);
        EXPECT_EQ(welcome->topology[0].http_port, 18090);
        break;
      }
      case FrameType::kGoodbye:
        ASSERT_TRUE(ParseGoodbye(frame.payload).has_value());
        EXPECT_EQ(ParseGoodbye(frame.payload)->reason, "shutdown");
        break;
      case FrameType::kPut:
      case FrameType::kAck:
      case FrameType::kPing: {
        const Result<cluster::SimpleMessage> msg = cluster::ParseMessage(frame.payload);
        ASSERT_TRUE(msg.ok());
        EXPECT_EQ(FrameTypeForGossip(cluster::TypeOf(msg->type)), frame.type);
        break;
      }
      default:
        ADD_FAILURE() << "unexpected frame type " << frame.type_name;
    }
  }
}

TEST(FrameTest, GarbageNeverThrowsAndIsMalformed) {
  ReceivedFrame frame;
  for (const char* text :
       {"", "{", "[]", "{\"type\":1,\"payload\":{}}", "{\"type\":\"put\"}",
        "{\"type\":\"put\",\"payload\":[1]}", "\xff\xfe", "{\"type\":\"put\",\"payload\":\"{}\"}",
        "{\"type\":\"put\",\"payload\":null}", "\"{}\"", "  ",
        "{\"type\":\"put\",\"payload\":{}} x", "{\"type\":[\"put\"],\"payload\":{}}"}) {
    EXPECT_EQ(DecodeFrame(text, "", frame), FrameCheck::kMalformed) << text;
  }
}

TEST(FrameTest, PayloadSpanIsTheLastDuplicateAndSurvivesTrickyStrings) {
  const std::string payload = R"({"reason":"} \"payload\": {","x":[{"y":"]"}]})";
  const std::string text =
      R"({"payload":{"a":1},"type":"goodbye","p\u0061yload":)" + payload + R"( ,"z":"}"})";
  ReceivedFrame frame;
  ASSERT_EQ(DecodeFrame(text, "", frame), FrameCheck::kOk);
  EXPECT_EQ(frame.payload, payload);
  const std::string signed_frame = EncodeFrame(FrameType::kGoodbye, payload, "s3cret");
  ASSERT_EQ(DecodeFrame(signed_frame, "s3cret", frame), FrameCheck::kOk);
  EXPECT_EQ(DecodeFrame(signed_frame, "other", frame), FrameCheck::kBadSignature);
}

TEST(FrameTest, EscapedTypeAndSignatureStringsAreDecoded) {
  const std::string payload = R"({"key":"k"})";
  const std::string signature = cluster::SignBody("s3cret", payload);
  char escaped[8];  // the signature's first hex digit as a \u escape
  std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(signature[0]));
  const std::string text = R"({"type":"p\u0075t","signature":")" + std::string(escaped) +
                           signature.substr(1) + R"(","payload":)" + payload + "}";
  ReceivedFrame frame;
  ASSERT_EQ(DecodeFrame(text, "s3cret", frame), FrameCheck::kOk);
  EXPECT_EQ(frame.type, FrameType::kPut);
  EXPECT_EQ(frame.payload, payload);
}

TEST(FrameTest, GossipTypeMapping) {
  EXPECT_EQ(FrameTypeForGossip(cluster::MessageType::kSync), FrameType::kTopologySync);
  EXPECT_EQ(FrameTypeName(FrameType::kTopologySync), "topology_sync");
  EXPECT_EQ(FrameTypeForGossip(cluster::MessageType::kPut), FrameType::kPut);
  EXPECT_EQ(FrameTypeForGossip(cluster::MessageType::kOther), FrameType::kOther);
  EXPECT_EQ(FrameTypeOf("PUT"), FrameType::kOther);  // envelope names are lower case
}

}  // namespace
}  // namespace repram::tree
