#pragma once

#include <array>
#include <string>
#include <string_view>

namespace repram::mcp {

// MCP protocol revisions this server speaks (mcp.md §1), oldest first.
inline constexpr std::array<std::string_view, 4> kSupportedProtocolVersions = {
    "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"};

// Answered to an initialize whose protocolVersion is absent or unsupported.
inline constexpr std::string_view kLatestProtocolVersion = "2025-11-25";

// Assumed by the HTTP transport when a request carries no MCP-Protocol-Version header.
inline constexpr std::string_view kDefaultHttpProtocolVersion = "2025-03-26";

// Returns true when version is one of kSupportedProtocolVersions.
bool IsSupportedProtocolVersion(std::string_view version);

// Returns the version to answer an initialize with: requested when supported, else the latest.
std::string NegotiateProtocolVersion(std::string_view requested);

}  // namespace repram::mcp
