#pragma once

#include <string>
#include <string_view>

#include "http/types.h"

namespace repram::http {

// Appends the status line and every header of r to out: Access-Control-Allow-Origin when origin
// is non-empty, fixed_headers (complete "Name: value\r\n" lines every response carries),
// Content-Type, r.headers, Content-Length (a streamed body: Transfer-Encoding: chunked unless
// close, when the close ends the body) and, when close, Connection: close.
void SerializeHead(const Response& r, std::string_view fixed_headers, std::string_view origin,
                   bool close, std::string& out);

// Returns true when the User-Agent contains a scanner signature (§9.5), case-insensitively.
bool IsScannerUserAgent(std::string_view user_agent);

// Returns the client address used for rate limiting (§9.3): with trust_proxy the last (right-most,
// added by the proxy) X-Forwarded-For element or X-Real-IP, else the socket address;
// ::ffff:a.b.c.d -> a.b.c.d. (The spec says first element; a client can forge that one.)
std::string ClientIp(const bhttp::fields& req, std::string_view socket_ip, bool trust_proxy);

}  // namespace repram::http
