#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/container/small_vector.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "util/clock.h"

namespace repram::http {

namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;

// A response body produced a part at a time, on the connection's thread, while it is written:
// the whole body is never held in memory. Destroyed when the body is complete or the connection
// closes (a client that disconnects mid-body frees it).
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Appends the next part of the body to out. Returns true while more follows (then it appended
  // at least one byte), false once the body is complete.
  virtual bool Next(std::string& out) = 0;
};

// A response as handlers build it. The server serialises it itself and adds the CORS and
// security headers, Content-Length and Connection; handlers add only what is theirs. Kept
// smaller than a Beast response because every request pays for it.
struct Response {
  unsigned status = 200;
  // Empty = no Content-Type header. Names text with static storage (every response has one, and
  // the common ones are too long for a string's inline buffer); a computed media type goes into
  // `headers` as "Content-Type" instead.
  std::string_view content_type;
  boost::container::small_vector<std::pair<std::string_view, std::string>, 4> headers;
  std::string body;
  bool omit_body = false;            // HEAD: no body bytes are sent
  uint64_t head_content_length = 0;  // with omit_body: the Content-Length to announce
  bool close = false;                // send Connection: close and close after writing
  // Non-null: `body` holds the first bytes and stream produces the rest. Sent chunked on a
  // kept-alive HTTP/1.1 connection, else without a length and the connection closes after it.
  std::shared_ptr<BodySource> stream;
};

// What a handler sees of one request. The body has been read completely, within the route's
// limit, before the handler runs. Valid until the handler's Respond is called.
struct RequestContext {
  const Request& req;
  std::string_view path;       // raw path, query excluded
  std::string_view query;      // raw query without '?', empty when absent
  std::string_view client_ip;  // after REPRAM_TRUST_PROXY rules and ::ffff: normalisation
  MonoTime received;           // when the header section was complete
};

// Delivers the response for one request. Call exactly once, from any thread. Takes the response
// by rvalue reference: it is moved once, into the connection, however many layers pass it on.
using Respond = std::function<void(Response&&)>;

// Serves one route. May answer synchronously (call respond before returning) or later.
using Handler = std::function<void(const RequestContext&, Respond)>;

// Converts Beast's (Boost) string_view to std::string_view.
inline std::string_view ToStd(boost::beast::string_view s) { return {s.data(), s.size()}; }

// Returns a text/plain; charset=utf-8 response with body exactly as given.
Response TextResponse(unsigned status, std::string body);
// Returns an application/json response; appends the trailing '\n' the spec requires.
Response JsonResponse(unsigned status, std::string json_without_newline);

// Returns the value of the first pair named `name` in a raw query string (split on '&', first '='
// splits name and value, both percent-decoded with '+' as space, pairs with malformed escapes
// skipped). nullopt when absent.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);

// Returns the standard reason phrase for an HTTP status code.
std::string_view ReasonPhrase(unsigned status);

}  // namespace repram::http
