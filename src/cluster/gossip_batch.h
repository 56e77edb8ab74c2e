#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/peer_reply.h"
#include "util/shared_bytes.h"
#include "util/status.h"

namespace repram::cluster {

// The batch endpoint between our own nodes (docs/gossip-batch.md). Its body is the encoded
// SimpleMessages of single gossip requests joined by '\n' (one message per line, a final '\n'
// optional), signed as a whole with X-Repram-Signature like a single message.
inline constexpr std::string_view kGossipBatchPath = "/v1/gossip/batch";
inline constexpr std::string_view kBatchContentType = "application/x-ndjson";
// A receiver refuses a batch of more messages than this (413) without handling any of them.
inline constexpr size_t kMaxBatchMessages = 1024;
// A sender puts at most this many messages and (unless a single message is larger) this many
// bytes into one batch: well inside the receiver's caps (1,024 messages, 16 MiB body).
inline constexpr size_t kBatchSendMessages = 256;
inline constexpr size_t kBatchSendBytes = size_t{1} << 20;

// Returns the message bodies of a batch body, in order (empty lines included as empty bodies,
// which fail to parse like any bad message), or kInvalidArgument "too many messages" when it
// holds more than kMaxBatchMessages. An empty body is a batch of no message.
Result<std::vector<std::string_view>> SplitBatch(std::string_view body);

// Returns the batch body carrying bodies in order. One body is returned as is (shared, not
// copied); several are copied into one buffer.
SharedBytes JoinBatch(std::span<const SharedBytes> bodies);

// The outcome of one message of a batch that was not accepted.
struct BatchFailure {
  size_t index = 0;  // position in the batch, from 0
  PeerReply reply;   // kInvalidJson, kInvalidMessage or kStoreFailed
};

// Returns the 200 answer to a batch: `{"success":true}` + '\n' when every message was accepted,
// else `{"success":true,"failed":[{"index":i,"error":"<text of the single-message answer>"}]}`.
std::string EncodeBatchReply(std::span<const BatchFailure> failures);

// Returns the indexes a batch answer reports as failed (sorted as sent). A body without a
// well-formed `failed` array (an empty body included) reports none: the 2xx status already says
// the batch was taken.
std::vector<size_t> ParseBatchReply(std::string_view body);

}  // namespace repram::cluster
