#include "http/middleware.h"

#include <array>
#include <boost/beast/core/string.hpp>
#include <cstring>
#include <iterator>

#include "util/strings.h"

namespace repram::http {
namespace {

std::string_view NormalizeMappedIpv4(std::string_view ip) {
  constexpr std::string_view kMapped = "::ffff:";
  if (ip.size() > kMapped.size() &&
      boost::beast::iequals({ip.data(), kMapped.size()}, {kMapped.data(), kMapped.size()}) &&
      ip.find('.') != std::string_view::npos) {
    return ip.substr(kMapped.size());
  }
  return ip;
}

// Calls piece(text) for each part of the head, in order.
template <typename Piece>
void ForEachHeadPiece(const Response& r, std::string_view status, std::string_view length,
                      std::string_view fixed_headers, std::string_view origin, bool close,
                      Piece&& piece) {
  piece("HTTP/1.1 ");
  piece(status);
  piece(" ");
  piece(ReasonPhrase(r.status));
  piece("\r\n");
  if (!origin.empty()) {
    piece("Access-Control-Allow-Origin: ");
    piece(origin);
    piece("\r\n");
  }
  piece(fixed_headers);
  if (!r.content_type.empty()) {
    piece("Content-Type: ");
    piece(r.content_type);
    piece("\r\n");
  }
  for (const auto& [name, value] : r.headers) {
    piece(name);
    piece(": ");
    piece(value);
    piece("\r\n");
  }
  if (!r.stream) {
    piece("Content-Length: ");
    piece(length);
    piece("\r\n");
  } else if (!close) {
    piece("Transfer-Encoding: chunked\r\n");
  }
  if (close) piece("Connection: close\r\n");
  piece("\r\n");
}

}  // namespace

void SerializeHead(const Response& r, std::string_view fixed_headers, std::string_view origin,
                   bool close, std::string& out) {
  // Measured, sized once and then copied: every answer pays for this, and some twenty growing
  // appends cost about twice as much.
  DecimalBuffer status_buf;
  DecimalBuffer length_buf;
  const std::string_view status = DecimalText(r.status, status_buf);
  const std::string_view length =
      DecimalText(r.omit_body ? r.head_content_length : r.body.size(), length_buf);
  size_t total = 0;
  ForEachHeadPiece(r, status, length, fixed_headers, origin, close,
                   [&total](std::string_view text) { total += text.size(); });
  const size_t at = out.size();
  out.resize(at + total);
  char* next = out.data() + at;
  ForEachHeadPiece(r, status, length, fixed_headers, origin, close, [&next](std::string_view text) {
    std::memcpy(next, text.data(), text.size());
    next += text.size();
  });
}

bool IsScannerUserAgent(std::string_view user_agent) {
  static constexpr std::array<std::string_view, 6> kSignatures = {
      "sqlmap", "nikto", "nmap", "masscan", "gobuster", "dirbuster"};
  if (user_agent.empty()) return false;
  const std::string lower = AsciiLower(user_agent);
  for (std::string_view sig : kSignatures) {
    if (lower.find(sig) != std::string::npos) return true;
  }
  return false;
}

std::string ClientIp(const bhttp::fields& req, std::string_view socket_ip, bool trust_proxy) {
  if (trust_proxy) {
    // The right-most element (of the last header line) is the one our trusted proxy appended;
    // everything left of it was sent by the client and may be anything.
    const auto [first, end] = req.equal_range("X-Forwarded-For");
    if (first != end) {
      const std::string_view v = ToStd(std::prev(end)->value());
      const size_t comma = v.rfind(',');
      const auto last = TrimSpace(comma == std::string_view::npos ? v : v.substr(comma + 1));
      if (!last.empty()) return std::string(NormalizeMappedIpv4(last));
    }
    if (auto it = req.find("X-Real-IP"); it != req.end()) {
      const auto v = TrimSpace(ToStd(it->value()));
      if (!v.empty()) return std::string(NormalizeMappedIpv4(v));
    }
  }
  return std::string(NormalizeMappedIpv4(socket_ip));
}

}  // namespace repram::http
