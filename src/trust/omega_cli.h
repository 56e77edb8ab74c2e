#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "util/clock.h"

namespace repram::trust {

// Runs the repram-omega operator tool (trust.md §13) on args (without the program name), reading
// a record from in when verify gets none, writing results to out and diagnostics to err. The
// clock supplies the default --now. Returns the exit code: 0 success, 1 subcommand error, 2 usage
// error. Offline: never touches the network.
int RunOmegaCli(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err, const Clock& clock);

}  // namespace repram::trust
