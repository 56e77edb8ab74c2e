#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace repram::cluster {

// Wire format of the anti-entropy routes (docs/anti-entropy.md). Every body is JSON; binary
// arrays (digests, summaries, key hashes) are little-endian packed and base64-encoded, keys and
// values are base64 so any byte string survives.
inline constexpr std::string_view kAntiEntropyDigestPath = "/v1/antientropy/digest";
inline constexpr std::string_view kAntiEntropyDiffPath = "/v1/antientropy/diff";
inline constexpr std::string_view kAntiEntropyPushPath = "/v1/antientropy/push";

// Largest bucket count a request may ask for (a 512 KiB digest).
inline constexpr uint32_t kMaxDigestBuckets = 65536;

// Who asks, and which live set both sides compare: entries whose wall-clock expiry is at or after
// cutoff_unix_ms, hashed into `buckets` buckets.
struct AntiEntropyScope {
  std::string node_id;
  std::string enclave;
  uint32_t buckets = 0;        // 1..kMaxDigestBuckets
  int64_t cutoff_unix_ms = 0;  // > 0
};

// One entry of a differing bucket, without its key or value (24 bytes on the wire).
struct SummaryRecord {
  uint64_t key_hash = 0;
  uint64_t value_hash = 0;
  int64_t expires_after_cutoff_ms = 0;
};

// POST /v1/antientropy/diff: the requester's entries in some differing buckets.
struct DiffRequest {
  AntiEntropyScope scope;
  std::vector<uint32_t> bucket_ids;    // each < scope.buckets
  std::vector<SummaryRecord> summary;  // the requester's live entries in those buckets
};

// A copy of one entry in transit: it lives remaining_ms more on the receiver, never longer.
struct TransferEntry {
  std::string key;  // 1..8192 bytes
  std::string data;
  int64_t remaining_ms = 0;  // >= 1
  int64_t original_ttl = 0;  // 1..2^31-1, reported as X-Original-TTL
};

// The answer to a diff: entries the requester lacks or holds with an older different value, the
// key hashes the responder wants pushed, and whether `entries` was cut at the page size.
struct DiffResponse {
  std::vector<TransferEntry> entries;
  std::vector<uint64_t> want;
  bool truncated = false;
};

// POST /v1/antientropy/push: entries the responder asked for.
struct PushRequest {
  std::string node_id;
  std::string enclave;
  std::vector<TransferEntry> entries;
};

// Each Encode* returns the JSON body; each Parse* returns kInvalidArgument for anything malformed
// or out of bounds (the routes answer 400 `Invalid JSON`).
std::string EncodeDigestRequest(const AntiEntropyScope& scope);
Result<AntiEntropyScope> ParseDigestRequest(std::string_view body);
std::string EncodeDigestResponse(const std::vector<uint64_t>& digest);
Result<std::vector<uint64_t>> ParseDigestResponse(std::string_view body);
std::string EncodeDiffRequest(const DiffRequest& req);
Result<DiffRequest> ParseDiffRequest(std::string_view body);
std::string EncodeDiffResponse(const DiffResponse& resp);
Result<DiffResponse> ParseDiffResponse(std::string_view body);
std::string EncodePushRequest(const PushRequest& req);
Result<PushRequest> ParsePushRequest(std::string_view body);
std::string EncodePushResponse(uint64_t stored);
Result<uint64_t> ParsePushResponse(std::string_view body);

// Returns the wire size of one TransferEntry (for page cuts), a slight over-estimate.
size_t EncodedSize(const TransferEntry& entry);

}  // namespace repram::cluster
