#pragma once

#include "http/route_table.h"

namespace repram {

// Adds the dashboard routes: the page at "/" and its files under "/ui/" (ui/assets.h), GET and
// OPTIONS on the client bucket. Answers carry Cache-Control: no-cache and an ETag, so browsers
// revalidate and get 304 while the binary is unchanged; an unknown file under /ui/ is 404.
void AddDashboardRoutes(http::RouteTable& routes);

}  // namespace repram
