#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/node_info.h"

namespace repram::tree {

// The payloads of the lifecycle frames (ws-tree.md §5), serialized in the JSON.stringify form
// (compact, the node's string rules) so that the bytes we sign are the bytes TS recomputes.

// `hello`: the first frame of a transient.
struct Hello {
  std::string node_id;
  std::string enclave;
  std::string address;
  int64_t http_port = 0;
  bool inbound = false;
};

// Serializes hello; capabilities.inbound is the string "true"/"false".
std::string EncodeHello(const Hello& hello);
// Parses a hello payload: node_id must be a string, the other members are informational and
// ignored when mistyped; an empty enclave becomes "default". nullopt = "bad hello" (§6.1 step 2).
std::optional<Hello> ParseHello(std::string_view payload);

// `welcome`: the substrate's topology (peers, then itself last) and the child's position.
struct Welcome {
  std::vector<cluster::NodeInfo> topology;  // entries that carried a node_info
  std::string parent_id;
};

// Serializes a welcome for a child of self: one SYNC entry per peer, then self, each sent from
// self at now_seconds with an empty message_id; your_position = depth 1 under self.
std::string EncodeWelcome(std::span<const cluster::NodeInfo> peers, const cluster::NodeInfo& self,
                          int64_t now_seconds);
// Parses a welcome payload; topology entries without a valid node_info are skipped. nullopt when
// the payload is not a welcome (topology not an array, parent_id not a string).
std::optional<Welcome> ParseWelcome(std::string_view payload);

// `goodbye`: why the substrate lets the child go and where it may attach instead.
struct Goodbye {
  std::string reason;
  std::vector<cluster::NodeInfo> alternatives;  // gossip_port unused (not on the wire)
};

// Serializes a goodbye; each alternative as {"id","address","http_port","enclave"}.
std::string EncodeGoodbye(const Goodbye& goodbye);
// Parses a goodbye payload; a missing enclave is "default", malformed alternatives are skipped.
std::optional<Goodbye> ParseGoodbye(std::string_view payload);

// Returns the alternatives a goodbye offers (§7.1): peers of preferred_enclave first, then the
// others, each group sorted by id, without the node `exclude_id`, at most 5.
std::vector<cluster::NodeInfo> SelectAlternatives(std::vector<cluster::NodeInfo> peers,
                                                  std::string_view preferred_enclave,
                                                  std::string_view exclude_id);

}  // namespace repram::tree
