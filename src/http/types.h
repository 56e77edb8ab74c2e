#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "util/clock.h"

namespace repram::http {

namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// What a handler sees of one request. The body has been read completely, within the route's
// limit, before the handler runs. Valid until the handler's Respond is called.
struct RequestContext {
  const Request& req;
  std::string_view path;   // raw path, query excluded
  std::string_view query;  // raw query without '?', empty when absent
  std::string client_ip;   // after REPRAM_TRUST_PROXY rules and ::ffff: normalisation
  MonoTime received;       // when the header section was complete
};

// Delivers the response for one request. Call exactly once, from any thread; CORS and security
// headers are added by the server.
using Respond = std::function<void(Response)>;

// Serves one route. May answer synchronously (call respond before returning) or later.
using Handler = std::function<void(const RequestContext&, Respond)>;

// Returns a text/plain; charset=utf-8 response with body exactly as given.
Response TextResponse(bhttp::status status, std::string body);
// Returns an application/json response; appends the trailing '\n' the spec requires.
Response JsonResponse(bhttp::status status, std::string json_without_newline);

// Returns the value of the first pair named `name` in a raw query string (split on '&', first '='
// splits name and value, both percent-decoded with '+' as space, pairs with malformed escapes
// skipped). nullopt when absent.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);

}  // namespace repram::http
