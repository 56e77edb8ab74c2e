#include "app/dashboard_routes.h"

#include "app/routes.h"
#include "ui/assets.h"

namespace repram {
namespace {

namespace bhttp = boost::beast::http;

void ServeAsset(const http::RequestContext& ctx, const http::Respond& respond) {
  const ui::Asset* asset = ui::FindAsset(ctx.path);
  if (asset == nullptr) return respond(http::TextResponse(404, "404 page not found\n"));
  http::Response r;
  r.content_type = asset->content_type;
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("ETag", asset->etag);
  if (auto it = ctx.req.find(bhttp::field::if_none_match);
      it != ctx.req.end() && http::ToStd(it->value()) == asset->etag) {
    r.status = 304;
    r.omit_body = true;
    r.head_content_length = asset->body.size();
    return respond(std::move(r));
  }
  r.body = std::string(asset->body);
  respond(std::move(r));
}

http::RouteSpec DashboardRoute(RouteId id, std::string_view path, bool is_prefix) {
  http::RouteSpec spec =
      MakeRoute(id, std::string(path), Audience::kClient, {bhttp::verb::get, bhttp::verb::options});
  spec.is_prefix = is_prefix;
  spec.handler = ServeAsset;
  return spec;
}

}  // namespace

void AddDashboardRoutes(http::RouteTable& routes) {
  routes.Add(DashboardRoute(RouteId::kDashboardPage, ui::kPagePath, false));
  routes.Add(DashboardRoute(RouteId::kDashboardAsset, ui::kAssetPrefix, true));
}

}  // namespace repram
