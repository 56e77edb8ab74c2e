#include "cluster/seed_fetcher.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <set>

#include "cluster/hmac.h"
#include "util/host_port.h"
#include "util/mutex.h"
#include "util/strings.h"

namespace repram::cluster {
namespace {

// One seed's peer list; nullopt when it failed.
using Answer = std::optional<std::vector<NodeInfo>>;

// Shared by the in-flight requests of one Fetch; the last completion merges and reports.
struct FetchState {
  Transport* transport = nullptr;
  std::vector<HostPort> seeds;
  std::string body;
  std::string signature;  // of body; empty in open mode
  std::string self_id;
  std::function<void(SeedFetchResult)> done;

  Mutex mu;
  size_t next GUARDED_BY(mu) = 0;
  size_t in_flight GUARDED_BY(mu) = 0;
  size_t finished GUARDED_BY(mu) = 0;
  std::vector<Answer> answers GUARDED_BY(mu);  // by seed index
};

void Launch(const std::shared_ptr<FetchState>& state);

void Finish(const FetchState& state, std::vector<Answer> answers) {
  SeedFetchResult result;
  result.contacted = state.seeds.size();
  std::set<std::string, std::less<>> seen;
  for (Answer& answer : answers) {
    if (!answer) continue;
    ++result.succeeded;
    for (NodeInfo& node : *answer) {
      if (node.id == state.self_id || !seen.insert(node.id).second) continue;
      result.peers.push_back(std::move(node));
    }
  }
  state.done(std::move(result));
}

void OnAnswer(const std::shared_ptr<FetchState>& state, size_t index, const TransportResult& r) {
  Answer answer;
  if (!r.transport_error && r.status == 200) {
    Result<std::vector<NodeInfo>> parsed = ParseBootstrapResponse(r.body);
    if (parsed.ok()) answer = std::move(parsed).value();
  }
  if (!answer) {
    spdlog::debug("Bootstrap seed {}:{} failed (status {})", state->seeds[index].host,
                  state->seeds[index].port, r.status);
  }
  bool all_done = false;
  std::vector<Answer> answers;
  {
    MutexLock lock(state->mu);
    state->answers[index] = std::move(answer);
    --state->in_flight;
    all_done = ++state->finished == state->seeds.size();
    if (all_done) answers = std::move(state->answers);
  }
  if (all_done) {
    Finish(*state, std::move(answers));
  } else {
    Launch(state);
  }
}

void Launch(const std::shared_ptr<FetchState>& state) {
  while (true) {
    size_t index = 0;
    {
      MutexLock lock(state->mu);
      if (state->next >= state->seeds.size() || state->in_flight >= SeedFetcher::kMaxInFlight) {
        return;
      }
      index = state->next++;
      ++state->in_flight;
    }
    OutboundRequest req{.host = state->seeds[index].host,
                        .port = state->seeds[index].port,
                        .path = kBootstrapPath,
                        .signature = state->signature,
                        .body = state->body};
    state->transport->Post(std::move(req),
                           [state, index](const TransportResult& r) { OnAnswer(state, index, r); });
  }
}

}  // namespace

void SeedFetcher::Fetch(const std::vector<std::string>& seeds, const BootstrapRequest& self,
                        std::function<void(SeedFetchResult)> done) const {
  auto state = std::make_shared<FetchState>();
  state->transport = &transport_;
  state->self_id = self.node_id;
  state->done = std::move(done);
  const std::string self_seed = fmt::format("{}:{}", self.address, self.http_port);
  for (const std::string& seed : seeds) {
    if (TrimSpace(seed) == self_seed) continue;
    std::optional<HostPort> endpoint = ParseHostPort(seed, HostCheck::kNonEmpty);
    if (!endpoint) {
      spdlog::warn("Skipping invalid seed '{}'", seed);
      continue;
    }
    state->seeds.push_back(std::move(*endpoint));
  }
  {
    MutexLock lock(state->mu);  // not shared yet: taken for the analysis only
    state->answers.resize(state->seeds.size());
  }
  state->body = EncodeBootstrapRequest(self);
  if (!secret_.empty()) state->signature = SignBody(secret_, state->body);
  if (state->seeds.empty()) {
    Finish(*state, {});
    return;
  }
  Launch(state);
}

}  // namespace repram::cluster
