#pragma once

#include <optional>
#include <string_view>

#include "cluster/message.h"

namespace repram::sim {

// Reads a gossip body as cluster::EncodeMessage writes it (compact JSON, known keys, no escapes)
// without building a JSON tree: the DOM parse was the largest single cost of a simulated ping.
// Returns nullopt for anything else (escapes, other keys or layouts, long ids), and the caller
// falls back to cluster::ParseMessage; where it answers, it answers what ParseMessage would
// (sim_test checks the two against each other).
std::optional<cluster::SimpleMessage> ReadEncodedMessage(std::string_view body);

}  // namespace repram::sim
