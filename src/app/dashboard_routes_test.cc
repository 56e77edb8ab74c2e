// The dashboard routes without a server: which paths they serve, with which headers, and the
// ETag revalidation.
#include "app/dashboard_routes.h"

#include <gtest/gtest.h>

#include <optional>

#include "app/routes.h"
#include "ui/assets.h"

namespace repram {
namespace {

namespace bhttp = boost::beast::http;

class DashboardRoutesTest : public ::testing::Test {
 protected:
  DashboardRoutesTest() { AddDashboardRoutes(routes_); }

  // Runs the route of path as a GET (with If-None-Match when given); returns its answer.
  http::Response Get(const std::string& path, std::optional<std::string> if_none_match = {}) {
    http::Request req(bhttp::verb::get, path, 11);
    if (if_none_match) req.set(bhttp::field::if_none_match, *if_none_match);
    const http::RouteSpec* route = routes_.Find(path);
    EXPECT_NE(route, nullptr) << path;
    if (route == nullptr) return {};
    const http::RequestContext ctx{req, path, "", "127.0.0.1", MonoTime{}};
    std::optional<http::Response> answer;
    route->handler(ctx, [&answer](http::Response r) { answer = std::move(r); });
    EXPECT_TRUE(answer.has_value()) << path;
    return answer.value_or(http::Response{});
  }

  static std::string Header(const http::Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "<absent>";
  }

  http::RouteTable routes_;
};

TEST_F(DashboardRoutesTest, RootServesThePageWithCacheValidators) {
  const http::Response r = Get("/");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, ui::FindAsset("/")->body);
  EXPECT_EQ(Header(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(Header(r, "ETag"), ui::FindAsset("/")->etag);
}

TEST_F(DashboardRoutesTest, AssetsAreServedUnderUiWithTheirMetricsLabel) {
  const http::Response js = Get("/ui/dashboard.js");
  EXPECT_EQ(js.status, 200u);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(routes_.Find("/ui/dashboard.js")->metrics_id,
            static_cast<uint8_t>(RouteId::kDashboardAsset));
  EXPECT_EQ(routes_.Find("/")->metrics_id, static_cast<uint8_t>(RouteId::kDashboardPage));
  EXPECT_EQ(routes_.Find("/")->allow, "GET, OPTIONS");
  EXPECT_EQ(RouteLabels()[static_cast<size_t>(RouteId::kDashboardAsset)], "/ui/{asset}");
}

TEST_F(DashboardRoutesTest, MatchingEtagAnswers304WithoutBody) {
  const std::string etag = ui::FindAsset("/ui/dashboard.css")->etag;
  const http::Response r = Get("/ui/dashboard.css", etag);
  EXPECT_EQ(r.status, 304u);
  EXPECT_TRUE(r.omit_body);
  EXPECT_EQ(r.head_content_length, ui::FindAsset("/ui/dashboard.css")->body.size());
  EXPECT_EQ(Header(r, "ETag"), etag);
  EXPECT_EQ(Get("/ui/dashboard.css", "\"stale\"").status, 200u);
}

TEST_F(DashboardRoutesTest, UnknownFileUnderUiIs404) {
  const http::Response r = Get("/ui/missing.js");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.body, "404 page not found\n");
  EXPECT_EQ(routes_.Find("/index.html"), nullptr);
}

}  // namespace
}  // namespace repram
