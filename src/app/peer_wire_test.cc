// The exact wire answers of the peer routes (cluster.md §2, §7.2): the cluster's handler results
// from the spec vectors, mapped by app/wire_results.h.
#include <gtest/gtest.h>

#include <map>

#include "app/wire_results.h"
#include "cluster/testing/cluster_node_fixture.h"
#include "cluster/testing/vectors.h"

namespace repram {
namespace {

using cluster::testing::LoadVectors;

constexpr std::string_view kText = "text/plain; charset=utf-8";
constexpr std::string_view kJson = "application/json";

class PeerWireTest : public cluster::testing::ClusterNodeFixture {
 protected:
  void SetUp() override { MakeNode(); }

  http::Response Gossip(const std::string& body, const std::string& signature = "") {
    return PeerResponse(node_->HandleGossip(body, signature, false));
  }
};

TEST_F(PeerWireTest, EveryVectorMessageIsAnswered200Success) {
  const nlohmann::json file = LoadVectors("gossip-messages.json");
  for (const auto& v : file.at("messages")) {
    const http::Response r = Gossip(v.at("body").get<std::string>());
    EXPECT_EQ(r.status, 200u) << v.at("id");
    EXPECT_EQ(r.body, "{\"success\":true}\n");
    EXPECT_EQ(r.content_type, kJson);
  }
}

TEST_F(PeerWireTest, InvalidAndEdgeVectorsGiveTheExactAnswer) {
  const nlohmann::json file = LoadVectors("gossip-messages.json");
  for (const auto& v : file.at("invalid_or_edge")) {
    SCOPED_TRACE(v.at("id").get<std::string>());
    if (v.at("id") == "PUT_DUPLICATE") {
      ASSERT_EQ(Gossip(file.at("messages").at(1).at("body").get<std::string>()).status, 200u);
    }
    const http::Response r = Gossip(v.at("body").get<std::string>());
    EXPECT_EQ(r.status, v.at("expect_status").get<unsigned>());
    EXPECT_EQ(r.body, v.at("expect_body").get<std::string>());
    EXPECT_EQ(r.content_type, r.status == 200 ? kJson : kText);
  }
}

TEST_F(PeerWireTest, HmacReceiverChecksFromVectors) {
  const nlohmann::json file = LoadVectors("hmac.json");
  std::map<std::string, std::string> bodies;
  for (const auto& v : file.at("vectors")) bodies[v.at("id")] = v.at("body");
  for (const auto& check : file.at("receiver_checks")) {
    SCOPED_TRACE(check.at("case").get<std::string>());
    cluster::ClusterConfig config = DefaultConfig();
    config.secret = check.at("secret");
    MakeNode(config);
    const std::string body = check.contains("body") ? check.at("body").get<std::string>()
                                                    : bodies.at(check.at("body_ref"));
    const std::string header =
        check.at("header").is_null() ? "" : check.at("header").get<std::string>();
    const http::Response r = Gossip(body, header);
    EXPECT_EQ(r.status, check.at("expect_status").get<unsigned>());
    if (check.contains("expect_body")) {
      EXPECT_EQ(r.body, check.at("expect_body").get<std::string>());
      EXPECT_EQ(r.content_type, kText);
    }
  }
}

TEST_F(PeerWireTest, StoreFailuresAre500WithTheReason) {
  EXPECT_EQ(
      PeerResponse({cluster::PeerOutcome::kStoreFailed, "node storage capacity exceeded"}).body,
      "Gossip error: node storage capacity exceeded\n");
  const http::Response r = PeerResponse({cluster::PeerOutcome::kStoreFailed, "disk on fire"});
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.body, "Gossip error: disk on fire\n");
  EXPECT_EQ(r.content_type, kText);
}

TEST_F(PeerWireTest, BootstrapAnswersAndSeedErrorsFromVectors) {
  const nlohmann::json vectors = LoadVectors("bootstrap.json");
  const nlohmann::json& example = vectors.at("examples").at(1);
  cluster::ClusterConfig seed = DefaultConfig();
  seed.secret = example.at("secret");
  MakeNode(seed);
  const http::Response ok = PeerResponse(node_->HandleBootstrap(
      example.at("request_body").get<std::string>(),
      example.at("request_headers").at("X-Repram-Signature").get<std::string>()));
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.content_type, kJson);
  EXPECT_TRUE(ok.body.starts_with("{") && ok.body.ends_with("}\n")) << ok.body;

  const std::string good = vectors.at("examples").at(0).at("request_body");
  for (const auto& error : vectors.at("seed_errors")) {
    const std::string name = error.at("case");
    SCOPED_TRACE(name);
    cluster::ClusterHooks hooks;
    if (name.starts_with("public network")) hooks.is_public_non_root = [] { return true; };
    cluster::ClusterConfig config = DefaultConfig();
    config.secret = name.starts_with("secret set") ? "test-cluster-secret" : "";
    MakeNode(config, hooks);
    const std::string body = error.contains("body") ? error.at("body").get<std::string>() : good;
    const std::string signature = name == "secret set, wrong MAC" ? std::string(64, 'a') : "";
    const http::Response r = PeerResponse(node_->HandleBootstrap(body, signature));
    EXPECT_EQ(r.status, error.at("expect_status").get<unsigned>());
    EXPECT_EQ(r.body, error.at("expect_body").get<std::string>());
    if (error.contains("expect_content_type")) {
      EXPECT_EQ(r.content_type, error.at("expect_content_type").get<std::string>());
    }
  }
}

}  // namespace
}  // namespace repram
