#include "http/middleware.h"

#include <array>
#include <iterator>

#include "util/strings.h"

namespace repram::http {
namespace {

std::string_view NormalizeMappedIpv4(std::string_view ip) {
  constexpr std::string_view kMapped = "::ffff:";
  if (ip.size() > kMapped.size() && AsciiLower(ip.substr(0, kMapped.size())) == kMapped &&
      ip.find('.') != std::string_view::npos) {
    return ip.substr(kMapped.size());
  }
  return ip;
}

}  // namespace

void SerializeHead(const Response& r, std::string_view fixed_headers, std::string_view origin,
                   bool close, std::string& out) {
  out.append("HTTP/1.1 ");
  out.append(std::to_string(r.status));
  out.push_back(' ');
  out.append(ReasonPhrase(r.status));
  out.append("\r\n");
  if (!origin.empty()) {
    out.append("Access-Control-Allow-Origin: ");
    out.append(origin);
    out.append("\r\n");
  }
  out.append(fixed_headers);
  if (!r.content_type.empty()) {
    out.append("Content-Type: ");
    out.append(r.content_type);
    out.append("\r\n");
  }
  for (const auto& [name, value] : r.headers) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  if (!r.stream) {
    out.append("Content-Length: ");
    out.append(std::to_string(r.omit_body ? r.head_content_length : r.body.size()));
    out.append("\r\n");
  } else if (!close) {
    out.append("Transfer-Encoding: chunked\r\n");
  }
  if (close) out.append("Connection: close\r\n");
  out.append("\r\n");
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
