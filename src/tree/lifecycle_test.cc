#include "tree/lifecycle.h"

#include <gtest/gtest.h>

#include "cluster/testing/vectors.h"

namespace repram::tree {
namespace {

using cluster::NodeInfo;
using cluster::testing::LoadVectors;

std::string VectorPayload(const std::string& id) {
  const nlohmann::json file = LoadVectors("ws-frames.json");
  for (const nlohmann::json& v : file.at("frames")) {
    if (v.at("id") == id) return v.at("payload");
  }
  return "";
}

TEST(LifecycleTest, HelloRoundTripsTheVectorBytes) {
  const std::string payload = VectorPayload("HELLO");
  const std::optional<Hello> hello = ParseHello(payload);
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->node_id, "mcp-node-1");
  EXPECT_EQ(hello->enclave, "acme-corp");
  EXPECT_EQ(hello->http_port, 8080);
  EXPECT_FALSE(hello->inbound);
  EXPECT_EQ(EncodeHello(*hello), payload);
}

TEST(LifecycleTest, BadHellosAndDefaults) {
  EXPECT_FALSE(ParseHello(R"({"enclave":"x"})").has_value());
  EXPECT_FALSE(ParseHello(R"({"node_id":7})").has_value());
  EXPECT_FALSE(ParseHello("[]").has_value());
  const std::optional<Hello> hello = ParseHello(R"({"node_id":"k","enclave":"","http_port":"x"})");
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->enclave, "default");
  EXPECT_EQ(hello->http_port, 0);
}

TEST(LifecycleTest, WelcomeListsPeersThenSelfLast) {
  const NodeInfo self{"sub-1", "10.0.0.1", 9090, 8080, "default"};
  const NodeInfo peer{"peer-x", "10.0.0.5", 9090, 8080, "default"};
  const std::string payload = EncodeWelcome(std::vector<NodeInfo>{peer}, self, 1);
  EXPECT_EQ(payload,
            R"({"topology":[{"type":"SYNC","from":"sub-1","timestamp":1,"message_id":"",)"
            R"("node_info":{"id":"peer-x","address":"10.0.0.5","port":9090,"http_port":8080,)"
            R"("enclave":"default"}},{"type":"SYNC","from":"sub-1","timestamp":1,"message_id":"",)"
            R"("node_info":{"id":"sub-1","address":"10.0.0.1","port":9090,"http_port":8080,)"
            R"("enclave":"default"}}],"your_position":{"depth":1,"parent_id":"sub-1"}})");
  const std::optional<Welcome> welcome = ParseWelcome(payload);
  ASSERT_TRUE(welcome.has_value());
  EXPECT_EQ(welcome->parent_id, "sub-1");
  ASSERT_EQ(welcome->topology.size(), 2u);
  EXPECT_EQ(welcome->topology[0], peer);
  EXPECT_EQ(welcome->topology[1], self);
}

TEST(LifecycleTest, WelcomeVectorParses) {
  const std::optional<Welcome> welcome = ParseWelcome(VectorPayload("WELCOME"));
  ASSERT_TRUE(welcome.has_value());
  ASSERT_EQ(welcome->topology.size(), 1u);
  EXPECT_EQ(welcome->topology[0].id, "peer-x");
  EXPECT_FALSE(ParseWelcome(R"({"topology":{},"your_position":{"parent_id":"a"}})"));
}

TEST(LifecycleTest, GoodbyeVectorsRoundTripAndMissingEnclaveIsDefault) {
  const std::optional<Goodbye> shutdown = ParseGoodbye(VectorPayload("GOODBYE_SHUTDOWN"));
  ASSERT_TRUE(shutdown.has_value());
  EXPECT_EQ(shutdown->reason, "shutdown");
  ASSERT_EQ(shutdown->alternatives.size(), 2u);
  EXPECT_EQ(shutdown->alternatives[1].id, "cloud-2");
  EXPECT_EQ(shutdown->alternatives[1].enclave, "default");
  const std::string redirect = VectorPayload("GOODBYE_REDIRECT");
  EXPECT_EQ(EncodeGoodbye(*ParseGoodbye(redirect)), redirect);
}

TEST(LifecycleTest, AlternativesSameEnclaveFirstSortedAtMostFiveRequesterExcluded) {
  std::vector<NodeInfo> peers;
  for (const char* id : {"z", "b", "kid", "a", "y", "c", "d"}) {
    peers.push_back(NodeInfo{id, "h", 0, 1, std::string(id) < "x" ? "e1" : "e2"});
  }
  std::vector<std::string> ids;
  for (const NodeInfo& n : SelectAlternatives(peers, "e2", "kid")) ids.push_back(n.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"y", "z", "a", "b", "c"}));
}

}  // namespace
}  // namespace repram::tree
