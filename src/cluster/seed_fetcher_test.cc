#include "cluster/seed_fetcher.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/hmac.h"
#include "cluster/testing/fake_transport.h"
#include "cluster/testing/vectors.h"

namespace repram::cluster {
namespace {

using testing::FakeTransport;
using testing::LoadVectors;

std::string SeedOf(const OutboundRequest& req) { return fmt::format("{}:{}", req.host, req.port); }

class SeedFetcherTest : public ::testing::Test {
 protected:
  // Answers each seed with the body scripted for it; unknown seeds refuse the connection.
  void Script(std::map<std::string, TransportResult> answers) {
    transport_.SetResponder([answers = std::move(answers)](const OutboundRequest& req) {
      auto it = answers.find(SeedOf(req));
      return it == answers.end() ? FakeTransport::Answer(0) : it->second;
    });
  }

  std::optional<SeedFetchResult> Fetch(const std::vector<std::string>& seeds) {
    std::optional<SeedFetchResult> out;
    fetcher_.Fetch(seeds, self_, [&](SeedFetchResult r) { out = std::move(r); });
    return out;
  }

  FakeTransport transport_;
  SeedFetcher fetcher_{transport_, ""};
  BootstrapRequest self_{
      .node_id = "new-node", .address = "10.0.0.50", .gossip_port = 9090, .http_port = 8080};
};

std::vector<std::string> Ids(const std::vector<NodeInfo>& nodes) {
  std::vector<std::string> ids;
  for (const NodeInfo& n : nodes) ids.push_back(n.id);
  return ids;
}

TEST_F(SeedFetcherTest, FiltersOwnIdAndDedupesAcrossSeedsPerVector) {
  const nlohmann::json scenario = LoadVectors("bootstrap.json").at("joiner_scenarios").at(0);
  ASSERT_EQ(scenario.at("case"), "filter own id and dedupe across seeds");
  std::map<std::string, TransportResult> answers;
  for (const auto& [seed, body] : scenario.at("responses").items()) {
    answers[seed] = FakeTransport::Answer(200, body.get<std::string>());
  }
  Script(answers);
  std::optional<SeedFetchResult> result = Fetch(scenario.at("seeds"));
  ASSERT_TRUE(result);
  std::vector<std::string> contacted;
  for (const OutboundRequest& req : transport_.requests()) contacted.push_back(SeedOf(req));
  EXPECT_EQ(contacted, scenario.at("expect_contacted").get<std::vector<std::string>>());
  EXPECT_EQ(Ids(result->peers), scenario.at("expect_peers").get<std::vector<std::string>>());
  EXPECT_EQ(result->contacted, 2u);
  EXPECT_EQ(result->succeeded, 2u);
}

TEST_F(SeedFetcherTest, FailedSeedScenariosFromVectors) {
  const nlohmann::json scenarios = LoadVectors("bootstrap.json").at("joiner_scenarios");
  for (size_t i = 1; i < scenarios.size(); ++i) {
    const nlohmann::json& s = scenarios.at(i);
    SCOPED_TRACE(s.at("case").get<std::string>());
    const std::string seed = s.at("seeds").at(0);
    const std::string response = s.at("responses").at(seed);
    TransportResult answer = FakeTransport::Answer(0);
    if (response.starts_with("HTTP 403 ")) {
      answer = FakeTransport::Answer(403, response.substr(9) + "\n");
    } else if (response.starts_with("{")) {
      answer = FakeTransport::Answer(200, response);
    }
    // A second, healthy seed after the failing one must still be asked.
    Script({{seed, answer},
            {"10.0.0.77:8080",
             FakeTransport::Answer(
                 200, R"({"success":true,"peers":[{"id":"x","address":"10.0.0.77","port":1,)"
                      R"("http_port":8080,"enclave":"default"}]})")}});
    transport_.Clear();
    std::optional<SeedFetchResult> result = Fetch({seed, "10.0.0.77:8080"});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->succeeded, 1u);
    EXPECT_EQ(Ids(result->peers), std::vector<std::string>{"x"});
    EXPECT_EQ(transport_.requests().size(), 2u);
  }
}

TEST_F(SeedFetcherTest, NonJsonOr500AnswersFail) {
  Script({{"10.0.0.1:8080", FakeTransport::Answer(200, "not json")},
          {"10.0.0.2:8080", FakeTransport::Answer(500, R"({"success":true,"peers":[]})")}});
  std::optional<SeedFetchResult> result = Fetch({"10.0.0.1:8080", "10.0.0.2:8080"});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->succeeded, 0u);
  EXPECT_EQ(result->contacted, 2u);
}

TEST_F(SeedFetcherTest, SkipsOwnSeedAfterTrimmingAndInvalidSeeds) {
  std::optional<SeedFetchResult> result = Fetch({" 10.0.0.50:8080 ", "bad-seed", "10.0.0.1:8080"});
  ASSERT_TRUE(result);
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(SeedOf(transport_.requests()[0]), "10.0.0.1:8080");
  EXPECT_EQ(result->contacted, 1u);
}

TEST_F(SeedFetcherTest, NoSeedsFinishesAtOnce) {
  std::optional<SeedFetchResult> result = Fetch({"10.0.0.50:8080"});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->contacted, 0u);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(SeedFetcherTest, SendsTheSignedBootstrapRequest) {
  SeedFetcher signed_fetcher(transport_, "test-cluster-secret");
  signed_fetcher.Fetch({"10.0.0.1:8080"}, self_, [](SeedFetchResult) {});
  const std::vector<OutboundRequest> sent = transport_.requests();
  ASSERT_EQ(sent.size(), 1u);
  const OutboundRequest& req = sent[0];
  EXPECT_EQ(req.path, "/v1/bootstrap");
  EXPECT_EQ(req.host, "10.0.0.1");
  EXPECT_EQ(req.port, 8080);
  const std::string expected_body =
      R"({"node_id":"new-node","address":"10.0.0.50","gossip_port":9090,"http_port":8080,)"
      R"("enclave":"default"})";
  EXPECT_EQ(req.body, expected_body);
  EXPECT_EQ(FakeTransport::Header(req, "X-Repram-Signature"),
            "4dd92fb021ff7e4b811a432bbaec845686cc67b72b9016c8d8488f0324485cc7");
  EXPECT_EQ(FakeTransport::Header(req, "Content-Type"), "application/json");
}

TEST_F(SeedFetcherTest, OpenModeSendsNoSignature) {
  Fetch({"10.0.0.1:8080"});
  EXPECT_EQ(FakeTransport::Header(transport_.requests()[0], "X-Repram-Signature"), "");
}

TEST_F(SeedFetcherTest, KeepsAtMostEightInFlightAndMergesInSeedOrder) {
  std::vector<std::string> seeds;
  std::map<std::string, TransportResult> answers;
  for (int i = 1; i <= 12; ++i) {
    const std::string seed = fmt::format("10.0.1.{}:8080", i);
    seeds.push_back(seed);
    // Every seed knows "shared" (with its own address) and itself.
    answers[seed] = FakeTransport::Answer(
        200, fmt::format(R"({{"success":true,"peers":[{{"id":"shared","address":"via-{}",)"
                         R"("port":1,"http_port":8080}},{{"id":"s{}","address":"10.0.1.{}",)"
                         R"("port":1,"http_port":8080}}]}})",
                         i, i, i));
  }
  Script(answers);
  transport_.Hold(true);
  std::optional<SeedFetchResult> result;
  fetcher_.Fetch(seeds, self_, [&](SeedFetchResult r) { result = std::move(r); });
  EXPECT_EQ(transport_.requests().size(), 8u);
  EXPECT_EQ(transport_.held(), 8u);
  transport_.ReleaseAt(7);  // seed 8 answers first
  EXPECT_EQ(transport_.requests().size(), 9u);
  EXPECT_EQ(transport_.held(), 8u);
  while (transport_.held() > 0) {
    transport_.ReleaseAt(transport_.held() - 1);  // newest first: out of seed order
    EXPECT_LE(transport_.held(), 8u);
  }
  ASSERT_TRUE(result);
  EXPECT_EQ(transport_.requests().size(), 12u);
  EXPECT_EQ(result->succeeded, 12u);
  ASSERT_EQ(result->peers.size(), 13u);
  EXPECT_EQ(result->peers[0].id, "shared");
  EXPECT_EQ(result->peers[0].address, "via-1");  // first seed in list order wins
  EXPECT_EQ(result->peers[1].id, "s1");
  EXPECT_EQ(result->peers[12].id, "s12");
}

}  // namespace
}  // namespace repram::cluster
