#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace repram {

// A "host:port" endpoint: a name or IP literal and a TCP port.
struct HostPort {
  std::string host;  // IPv6 literals without brackets
  uint16_t port = 0;

  bool operator==(const HostPort&) const = default;
};

// How strictly ParseHostPort checks the host part.
enum class HostCheck {
  // Seeds and omega `nodes` entries (cluster.md §7.4): any non-empty host; "[...]" is unwrapped
  // without looking inside.
  kNonEmpty,
  // REPRAM_PEERS and REPRAM_DNS_SERVERS (http-api.md §10): additionally no ' ' in the host, and a
  // host starting with '[' must be "[<IPv6 literal>]" (an optional "%zone" suffix aside).
  kValidated,
};

// Parses a port number: one or more ASCII digits (no sign, no spaces) with a value in 1..65535.
std::optional<uint16_t> ParsePort(std::string_view digits);

// Parses "host:port" or "[v6]:port": surrounding ASCII whitespace trimmed, split at the last ':',
// port per ParsePort, an unbracketed host must not contain ':', the host is checked per `check`.
// Returns nullopt for anything else.
std::optional<HostPort> ParseHostPort(std::string_view text, HostCheck check);

// Returns "host:port", with the host in brackets when it is an IPv6 literal (contains ':').
std::string FormatHostPort(std::string_view host, uint16_t port);

}  // namespace repram
