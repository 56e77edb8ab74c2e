#pragma once

#include <string>

namespace repram {

// Sends every log line to stderr as `<RFC 3339 UTC ms> [LEVEL] <message>`, or as one JSON object
// per line when json is true. level: debug, info, warn, error.
void SetUpLogging(const std::string& level, bool json);

}  // namespace repram
