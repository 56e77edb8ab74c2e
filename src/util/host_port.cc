#include "util/host_port.h"

#include <arpa/inet.h>

#include "util/strings.h"

namespace repram {
namespace {

// True for an IPv6 literal, optionally followed by "%zone" (the zone is not checked: what
// boost::asio::ip::make_address_v6 accepts, which config parsing used before).
bool IsIpv6Literal(std::string_view host) {
  const std::string address(host.substr(0, host.find('%')));
  in6_addr parsed{};
  return inet_pton(AF_INET6, address.c_str(), &parsed) == 1;
}

// Checks and unwraps the host part of "host:port"; nullopt when it is not acceptable.
std::optional<std::string_view> CheckedHost(std::string_view host, HostCheck check) {
  if (check == HostCheck::kValidated && !host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
    if (!IsIpv6Literal(host)) return std::nullopt;
    return host;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos ||  // unbracketed IPv6 is ambiguous
             (check == HostCheck::kValidated && host.find(' ') != std::string_view::npos)) {
    return std::nullopt;
  }
  if (host.empty()) return std::nullopt;
  return host;
}

}  // namespace

std::optional<uint16_t> ParsePort(std::string_view digits) {
  if (digits.empty() || digits.front() < '0' || digits.front() > '9') return std::nullopt;
  const std::optional<int64_t> port = ParseStrictInt(digits);
  if (!port || *port < 1 || *port > 65535) return std::nullopt;
  return static_cast<uint16_t>(*port);
}

std::optional<HostPort> ParseHostPort(std::string_view text, HostCheck check) {
  text = TrimSpace(text);
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::optional<uint16_t> port = ParsePort(text.substr(colon + 1));
  if (!port) return std::nullopt;
  const std::optional<std::string_view> host = CheckedHost(text.substr(0, colon), check);
  if (!host) return std::nullopt;
  return HostPort{std::string(*host), *port};
}

std::string FormatHostPort(std::string_view host, uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  std::string out;
  out.reserve(host.size() + 8);
  if (v6) out.push_back('[');
  out.append(host);
  if (v6) out.push_back(']');
  out.push_back(':');
  out.append(std::to_string(port));
  return out;
}

}  // namespace repram
