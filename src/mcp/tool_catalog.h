#pragma once

#include <cstdint>
#include <string_view>

#include "mcp/json_rpc.h"

namespace repram::mcp {

// Tool names (mcp.md §2).
inline constexpr std::string_view kStoreTool = "repram_store";
inline constexpr std::string_view kRetrieveTool = "repram_retrieve";
inline constexpr std::string_view kExistsTool = "repram_exists";
inline constexpr std::string_view kListKeysTool = "repram_list_keys";

// The node's TTL configuration, advertised in the repram_store schema and descriptions.
// Defaults: REPRAM_MIN_TTL 300, REPRAM_MAX_TTL 86400, REPRAM_DEFAULT_TTL 1800 (remote mode
// always advertises these defaults).
struct TtlBounds {
  int64_t min_seconds = 300;
  int64_t max_seconds = 86400;
  int64_t default_seconds = 1800;
};

// Returns true for the four tool names above.
bool IsKnownTool(std::string_view name);

// Returns the tools/list result {"tools":[...]} with name, description, inputSchema and
// outputSchema of each tool.
Json ToolListResult(const TtlBounds& ttl);

}  // namespace repram::mcp
