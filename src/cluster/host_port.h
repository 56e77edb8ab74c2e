#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace repram::cluster {

// A seed or peer endpoint. host is a name or IP literal, IPv6 without brackets.
struct HostPort {
  std::string host;
  int port = 0;

  bool operator==(const HostPort&) const = default;
};

// Parses "host:port" or "[v6]:port" (cluster.md §7.4): split at the last ':', port a strict
// integer in 1..65535, host non-empty. Surrounding whitespace is trimmed. nullopt otherwise.
std::optional<HostPort> ParseHostPort(std::string_view text);

}  // namespace repram::cluster
