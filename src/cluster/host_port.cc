#include "cluster/host_port.h"

#include "util/strings.h"

namespace repram::cluster {

std::optional<HostPort> ParseHostPort(std::string_view text) {
  text = TrimSpace(text);
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view digits = text.substr(colon + 1);
  const std::optional<int64_t> port = ParseStrictInt(digits);
  if (digits.empty() || digits.front() < '0' || digits.front() > '9' || !port || *port < 1 ||
      *port > 65535)
    return std::nullopt;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // an unbracketed IPv6 literal is ambiguous
  }
  if (host.empty()) return std::nullopt;
  return HostPort{std::string(host), static_cast<int>(*port)};
}

}  // namespace repram::cluster
