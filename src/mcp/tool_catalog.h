#pragma once

#include <cstdint>
#include <string_view>

#include "mcp/json_rpc.h"
#include "util/limits.h"

namespace repram::mcp {

// Tool names (mcp.md §2).
inline constexpr std::string_view kStoreTool = "repram_store";
inline constexpr std::string_view kRetrieveTool = "repram_retrieve";
inline constexpr std::string_view kExistsTool = "repram_exists";
inline constexpr std::string_view kListKeysTool = "repram_list_keys";

// Returns true for the four tool names above.
bool IsKnownTool(std::string_view name);

// Returns the tools/list result {"tools":[...]} with name, description, inputSchema and
// outputSchema of each tool; ttl is the node's TTL configuration, advertised in the repram_store
// schema and descriptions (remote mode always advertises the defaults of TtlBounds).
Json ToolListResult(const TtlBounds& ttl);

}  // namespace repram::mcp
