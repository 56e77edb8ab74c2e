#include "http/route_table.h"

#include <algorithm>

namespace repram::http {

void RouteTable::Add(RouteSpec spec) { routes_.push_back(std::move(spec)); }

const RouteSpec* RouteTable::Find(std::string_view raw_path) const {
  for (const RouteSpec& r : routes_) {
    if (r.is_prefix ? raw_path.starts_with(r.path) : raw_path == r.path) return &r;
  }
  return nullptr;
}

bool Serves(const RouteSpec& spec, boost::beast::http::verb method) {
  return std::find(spec.methods.begin(), spec.methods.end(), method) != spec.methods.end();
}

}  // namespace repram::http
