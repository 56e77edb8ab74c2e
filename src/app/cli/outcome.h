#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "http/client.h"

namespace repram::cli {

// Exit codes of the client subcommands.
enum ExitCode : int {
  kExitOk = 0,
  kExitNotFound = 1,  // the key (or route) does not exist
  kExitUsage = 2,     // bad arguments, unreadable input file, unwritable output file
  kExitFailed = 3,    // refused (4xx), server error (5xx), unreachable, or not healthy
};

// Where a subcommand writes: data on out, messages on err.
struct Streams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Writes "repram: <what>: <reason>" on err for an answer that is not the expected success and
// returns its exit code: 404 -> kExitNotFound; transport errors, other statuses -> kExitFailed.
int ReportFailure(const http::ClientResult& result, std::string_view what, const std::string& url,
                  std::ostream& err);

// Writes value as one line of JSON (invalid UTF-8 in strings replaced by U+FFFD).
void PrintJson(const nlohmann::json& value, std::ostream& out);

}  // namespace repram::cli
