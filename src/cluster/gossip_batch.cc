#include "cluster/gossip_batch.h"

#include <nlohmann/json.hpp>

#include "util/json_depth.h"
#include "util/json_writer.h"

namespace repram::cluster {
namespace {

// The body of the single-message answer for the same outcome (cluster.md §2), without '\n'.
std::string FailureText(const PeerReply& reply) {
  switch (reply.outcome) {
    case PeerOutcome::kInvalidMessage:
      return "Invalid message: " + reply.detail;
    case PeerOutcome::kStoreFailed:
      return "Gossip error: " + reply.detail;
    default:
      return "Invalid JSON";
  }
}

}  // namespace

Result<std::vector<std::string_view>> SplitBatch(std::string_view body) {
  std::vector<std::string_view> out;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  if (body.empty()) return out;
  while (true) {
    if (out.size() == kMaxBatchMessages) {
      return Status(StatusCode::kInvalidArgument, "too many messages");
    }
    const size_t end = body.find('\n');
    out.push_back(body.substr(0, end));
    if (end == std::string_view::npos) return out;
    body.remove_prefix(end + 1);
  }
}

SharedBytes JoinBatch(std::span<const SharedBytes> bodies) {
  if (bodies.size() == 1) return bodies[0];
  size_t total = 0;
  for (const SharedBytes& b : bodies) total += b.size() + 1;
  std::string out;
  out.reserve(total);
  for (const SharedBytes& b : bodies) {
    if (!out.empty()) out.push_back('\n');
    out.append(b.view());
  }
  return SharedBytes(std::move(out));
}

std::string EncodeBatchReply(std::span<const BatchFailure> failures) {
  if (failures.empty()) return "{\"success\":true}\n";
  JsonWriter w;
  w.BeginObject().Bool("success", true).BeginArray("failed");
  for (const BatchFailure& f : failures) {
    w.BeginObject()
        .Int("index", static_cast<int64_t>(f.index))
        .String("error", FailureText(f.reply))
        .EndObject();
  }
  w.EndArray().EndObject();
  return w.Take() + "\n";
}

std::vector<size_t> ParseBatchReply(std::string_view body) {
  std::vector<size_t> failed;
  if (!JsonDepthWithin(body)) return failed;
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return failed;
  const auto it = doc.find("failed");
  if (it == doc.end() || !it->is_array()) return failed;
  for (const nlohmann::json& f : *it) {
    if (!f.is_object()) continue;
    const auto index = f.find("index");
    if (index != f.end() && index->is_number_unsigned()) failed.push_back(index->get<size_t>());
  }
  return failed;
}

}  // namespace repram::cluster
