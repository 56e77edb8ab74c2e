#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trust/signed_list.h"
#include "util/status.h"

namespace repram::trust {

// Pure steps of the two-hop lookup (trust.md §3), kept apart from any resolver so they are tested
// on plain strings.

// Returns the answer's texts trimmed of ASCII whitespace, empty ones dropped, in answer order; or
// "lookup <name>: trust: TXT lookup for <name> returned no usable records" when none remains.
Result<std::vector<std::string>> UsableTxtRecords(std::string_view name,
                                                  const std::vector<std::string>& texts);

// Returns the omega= target of the first hop-1 record (answer order) that has an "omega" key.
// Errors: "trust: bootstrap TXT record has no omega= entry" / "... has empty omega= entry".
Result<std::string> ParseBootstrapIndirection(const std::vector<std::string>& records);

// Parses and verifies every hop-2 record at now and returns the valid list with the greatest exp
// (ties: first in answer order). When none is valid, returns the error of the first record:
// "parse <target>: <error>" or "verify <target>: <error>".
Result<SignedList> SelectBestSignedList(std::string_view target,
                                        const std::vector<std::string>& records,
                                        std::span<const unsigned char> pubkey, int64_t now);

}  // namespace repram::trust
