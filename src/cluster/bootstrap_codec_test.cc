#include "cluster/bootstrap_codec.h"

#include <gtest/gtest.h>

#include "cluster/testing/vectors.h"

namespace repram::cluster {
namespace {

using testing::LoadVectors;

TEST(BootstrapCodecTest, ParsesAndReencodesEveryVectorRequest) {
  const nlohmann::json file = LoadVectors("bootstrap.json");
  for (const auto& example : file.at("examples")) {
    SCOPED_TRACE(example.at("id").get<std::string>());
    const std::string body = example.at("request_body");
    Result<BootstrapRequest> req = ParseBootstrapRequest(body);
    ASSERT_TRUE(req.ok());
    const nlohmann::json expected = nlohmann::json::parse(body);
    EXPECT_EQ(req->node_id, expected.at("node_id").get<std::string>());
    EXPECT_EQ(req->address, expected.at("address").get<std::string>());
    EXPECT_EQ(req->gossip_port, expected.at("gossip_port").get<int>());
    EXPECT_EQ(req->http_port, expected.at("http_port").get<int>());
    EXPECT_EQ(EncodeBootstrapRequest(*req), body);
  }
}

TEST(BootstrapCodecTest, RejectsEveryVectorBadRequestBody) {
  const nlohmann::json file = LoadVectors("bootstrap.json");
  int checked = 0;
  for (const auto& error : file.at("seed_errors")) {
    if (!error.contains("body")) continue;
    EXPECT_FALSE(ParseBootstrapRequest(error.at("body").get<std::string>()).ok())
        << error.at("case");
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(BootstrapCodecTest, RequestRejectsDeepNestingAndOverLongFields) {
  const std::string tail = R"(,"gossip_port":1,"http_port":2})";
  EXPECT_TRUE(ParseBootstrapRequest(R"({"node_id":"n","address":"a")" + tail).ok());
  EXPECT_FALSE(
      ParseBootstrapRequest(R"({"node_id":")" + std::string(257, 'n') + R"(","address":"a")" + tail)
          .ok());
  EXPECT_FALSE(
      ParseBootstrapRequest(R"({"node_id":"n","address":")" + std::string(257, 'a') + R"(")" + tail)
          .ok());
  EXPECT_FALSE(ParseBootstrapRequest(R"({"node_id":"n","address":"a","enclave":")" +
                                     std::string(257, 'e') + R"(")" + tail)
                   .ok());
  EXPECT_FALSE(ParseBootstrapRequest(R"({"node_id":"n","address":"a","x":)" +
                                     std::string(100, '[') + std::string(100, ']') + tail)
                   .ok());
  EXPECT_FALSE(ParseBootstrapResponse(R"({"success":true,"x":)" + std::string(100, '[') +
                                      std::string(100, ']') + "}")
                   .ok());
}

TEST(BootstrapCodecTest, RequestRequiresTypedMembers) {
  const char* base = R"({"node_id":"n","address":"a","gossip_port":1,"http_port":2)";
  EXPECT_TRUE(ParseBootstrapRequest(std::string(base) + "}").ok());
  EXPECT_TRUE(ParseBootstrapRequest(std::string(base) + R"(,"enclave":null})").ok());
  EXPECT_FALSE(ParseBootstrapRequest(std::string(base) + R"(,"enclave":5})").ok());
  EXPECT_FALSE(
      ParseBootstrapRequest(R"({"node_id":"","address":"a","gossip_port":1,"http_port":2})").ok());
  EXPECT_FALSE(ParseBootstrapRequest(R"({"node_id":"n","gossip_port":1,"http_port":2})").ok());
  EXPECT_FALSE(ParseBootstrapRequest(R"({"node_id":"n","address":"a","http_port":2})").ok());
  EXPECT_FALSE(
      ParseBootstrapRequest(R"({"node_id":"n","address":"a","gossip_port":1.5,"http_port":2})")
          .ok());
  EXPECT_FALSE(ParseBootstrapRequest("[]").ok());
}

TEST(BootstrapCodecTest, PortsOutsideTheUint16RangeAreReadAsZero) {
  Result<BootstrapRequest> req =
      ParseBootstrapRequest(R"({"node_id":"n","address":"a","gossip_port":-1,"http_port":65536})");
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->gossip_port, 0);
  EXPECT_EQ(req->http_port, 0);
  req = ParseBootstrapRequest(
      R"({"node_id":"n","address":"a","gossip_port":65535,"http_port":9223372036854775807})");
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->gossip_port, 65535);
  EXPECT_EQ(req->http_port, 0);
  EXPECT_FALSE(
      ParseBootstrapRequest(
          R"({"node_id":"n","address":"a","gossip_port":1,"http_port":9223372036854775808})")
          .ok());
}

TEST(BootstrapCodecTest, MissingEnclaveMeansDefault) {
  Result<BootstrapRequest> req =
      ParseBootstrapRequest(R"({"node_id":"n","address":"a","gossip_port":1,"http_port":2})");
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->enclave, "default");
  EXPECT_EQ(JoinerNode(*req),
            (NodeInfo{.id = "n", .address = "a", .gossip_port = 1, .http_port = 2}));
}

TEST(BootstrapCodecTest, EncodesTheSpecResponseExactly) {
  const nlohmann::json file = LoadVectors("bootstrap.json");
  const auto& spec = file.at("examples").at(0);
  ASSERT_EQ(spec.at("id"), "SPEC_REQUEST");
  const std::vector<NodeInfo> peers = {
      {.id = "node-1", .address = "10.0.0.1", .gossip_port = 9090, .http_port = 8080},
      {.id = "new-node", .address = "10.0.0.50", .gossip_port = 9090, .http_port = 8080},
      {.id = "seed-1", .address = "10.0.0.9", .gossip_port = 9090, .http_port = 8080}};
  EXPECT_EQ(EncodeBootstrapResponse(peers), spec.at("response_body").get<std::string>());
}

TEST(BootstrapCodecTest, ParsesEveryVectorResponse) {
  const nlohmann::json file = LoadVectors("bootstrap.json");
  for (const auto& example : file.at("examples")) {
    if (!example.contains("response_body")) continue;
    Result<std::vector<NodeInfo>> peers =
        ParseBootstrapResponse(example.at("response_body").get<std::string>());
    ASSERT_TRUE(peers.ok()) << example.at("id");
    EXPECT_EQ(
        peers->size(),
        nlohmann::json::parse(example.at("response_body").get<std::string>()).at("peers").size());
  }
}

TEST(BootstrapCodecTest, ResponseMustSaySuccessTrue) {
  EXPECT_FALSE(ParseBootstrapResponse(R"({"success":false,"peers":[]})").ok());
  EXPECT_FALSE(ParseBootstrapResponse(R"({"error":"not a bootstrap root"})").ok());
  EXPECT_FALSE(ParseBootstrapResponse(R"({"success":"true"})").ok());
  EXPECT_FALSE(ParseBootstrapResponse(R"({"success":true,"peers":{}})").ok());
  EXPECT_FALSE(ParseBootstrapResponse(R"({"success":true,"peers":[{"port":"1"}]})").ok());
  EXPECT_FALSE(ParseBootstrapResponse("connection refused").ok());
  Result<std::vector<NodeInfo>> none = ParseBootstrapResponse(R"({"success":true})");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// EncodeBootstrapResponse's own layout is read without a JSON tree; the result must be the
// tree parser's, and anything else must fall back to it.
TEST(BootstrapCodecTest, CanonicalResponseParsesLikeTheTree) {
  const std::vector<NodeInfo> peers{
      NodeInfo{.id = "a", .address = "10.0.0.1", .gossip_port = 9090, .http_port = 8080},
      NodeInfo{.id = "b", .address = "h", .gossip_port = 0, .http_port = 1, .enclave = "e"}};
  for (const std::string& body :
       {EncodeBootstrapResponse(peers), EncodeBootstrapResponse({}),
        std::string(R"({"success":true,"peers":[{"id":"a","address":"h","port":1,)"
                    R"("http_port":70000,"enclave":""}]})"),
        std::string(R"({"success":true,"peers":[{"id":"a","address":"h","port":1,)"
                    R"("http_port":2,"enclave":""},]})"),
        std::string(R"({"success":true,"peers":[]} )"),
        std::string(R"({"success":true,"peers":[])"),
        std::string(R"({"success":true,"peers":[{"address":"h","id":"a"}]})")}) {
    const Result<std::vector<NodeInfo>> fast = ParseBootstrapResponse(body);
    const Result<std::vector<NodeInfo>> tree = ParseBootstrapResponseTree(body);
    ASSERT_EQ(fast.ok(), tree.ok()) << body;
    if (fast.ok()) {
      EXPECT_EQ(*fast, *tree) << body;
    }
  }
  EXPECT_EQ(ParseBootstrapResponse(EncodeBootstrapResponse(peers)).value(), peers);
}

}  // namespace
}  // namespace repram::cluster
