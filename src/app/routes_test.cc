#include "app/routes.h"

#include <gtest/gtest.h>

#include "util/fake_clock.h"

namespace repram {
namespace {

namespace bhttp = boost::beast::http;

TEST(RoutesTest, MakeRouteDerivesAllowBucketAndBodyLimit) {
  const http::RouteSpec data =
      MakeRoute(RouteId::kData, "/v1/data/", Audience::kClient,
                {bhttp::verb::get, bhttp::verb::head, bhttp::verb::put, bhttp::verb::options});
  EXPECT_EQ(data.allow, "GET, HEAD, PUT, OPTIONS");
  EXPECT_EQ(data.metrics_id, static_cast<uint8_t>(RouteId::kData));
  EXPECT_EQ(data.bucket, static_cast<uint8_t>(Audience::kClient));
  EXPECT_EQ(data.body_limit, 10u * 1024 * 1024);
  EXPECT_TRUE(data.answers_preflight);
  const http::RouteSpec gossip = MakeRoute(RouteId::kGossip, "/v1/gossip/message", Audience::kPeer,
                                           {bhttp::verb::post, bhttp::verb::options});
  EXPECT_EQ(gossip.allow, "POST, OPTIONS");
  EXPECT_EQ(gossip.bucket, static_cast<uint8_t>(Audience::kPeer));
  EXPECT_EQ(gossip.body_limit, 16u * 1024 * 1024);
}

TEST(RoutesTest, LabelsFollowRouteIdsWithOtherLast) {
  const std::vector<std::string> labels = RouteLabels();
  ASSERT_EQ(labels.size(), static_cast<size_t>(RouteId::kOther) + 1);
  EXPECT_EQ(labels[static_cast<size_t>(RouteId::kData)], "/v1/data/{key}");
  EXPECT_EQ(labels[static_cast<size_t>(RouteId::kGossip)], "/v1/gossip/message");
  EXPECT_EQ(labels[static_cast<size_t>(RouteId::kWs)], "/v1/ws");
  EXPECT_EQ(labels.back(), "other");
}

TEST(RoutesTest, RateBucketsAreIndexedByAudience) {
  FakeClock clock;
  http::RateLimiter client(clock, 1), peer(clock, 1);
  const auto buckets = RateBuckets(client, peer);
  EXPECT_EQ(buckets.at(static_cast<size_t>(Audience::kClient)), &client);
  EXPECT_EQ(buckets.at(static_cast<size_t>(Audience::kPeer)), &peer);
}

TEST(RoutesTest, FixedHeadersCarryCorsSecurityAndNodeVersion) {
  for (const char* h :
       {"Vary: Origin\r\n", "Access-Control-Allow-Methods: GET, PUT, POST, HEAD, OPTIONS\r\n",
        "Access-Control-Allow-Headers: Content-Type, X-TTL, X-Repram-Signature\r\n",
        "Access-Control-Expose-Headers: X-Created-At, X-Original-TTL, X-Remaining-TTL\r\n",
        "Access-Control-Max-Age: 3600\r\n", "X-Content-Type-Options: nosniff\r\n",
        "X-Frame-Options: DENY\r\n", "X-XSS-Protection: 1; mode=block\r\n",
        "Referrer-Policy: strict-origin-when-cross-origin\r\n",
        "Content-Security-Policy: default-src 'self'\r\n", "X-REPRAM-Node: 1.0.0\r\n"}) {
    EXPECT_NE(kFixedResponseHeaders.find(h), std::string_view::npos) << h;
  }
  EXPECT_TRUE(kFixedResponseHeaders.ends_with("\r\n"));
}

}  // namespace
}  // namespace repram
