// Anti-entropy between two in-process nodes holding 1M entries each (100-byte values): bytes
// exchanged and time of a round between equal nodes, then the time to converge when one node
// lacks `missing` of the entries. Both AntiEntropy instances run the real code (SipHash digests,
// EntryScanner, JSON bodies, PutUnlessNewer); only HTTP is replaced by a direct call, so the
// times leave out loopback transfer of the bodies (their sizes are printed).
// Usage: anti_entropy_bench [entries=1000000] [missing=1000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "cluster/anti_entropy.h"
#include "util/fake_clock.h"
#include "util/fake_scheduler.h"
#include "util/rng.h"

namespace {

using repram::cluster::AntiEntropy;
using repram::cluster::OutboundRequest;
using repram::cluster::PeerReply;
using repram::cluster::TransportResult;

// Hands each request to the target's handler at once and counts the body bytes both ways.
class DirectTransport final : public repram::cluster::Transport {
 public:
  void Post(OutboundRequest req, std::function<void(TransportResult)> done) override {
    bytes += req.body.size();
    AntiEntropy* target = targets.at(req.host);
    auto reply = [this, done](PeerReply r) {
      bytes += r.detail.size();
      done(TransportResult{
          .status = r.ok() ? 200 : 400, .transport_error = false, .body = r.detail});
    };
    if (req.path == repram::cluster::kAntiEntropyDigestPath) {
      target->HandleDigest(std::string(req.body.view()), "", reply);
    } else if (req.path == repram::cluster::kAntiEntropyDiffPath) {
      target->HandleDiff(std::string(req.body.view()), "", reply);
    } else {
      target->HandlePush(std::string(req.body.view()), "", reply);
    }
  }
  std::map<std::string, AntiEntropy*> targets;
  uint64_t bytes = 0;
};

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "key-%07d", i);
  return buf;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int entries = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
  const int missing = argc > 2 ? std::atoi(argv[2]) : 1000;
  repram::FakeClock clock;
  repram::FakeScheduler scheduler(clock);
  repram::DefaultRng rng;
  DirectTransport transport;
  repram::TtlStore store_a(clock, 0);
  repram::TtlStore store_b(clock, 0);
  const std::string value(100, 'v');
  for (int i = 0; i < entries; ++i) {
    (void)store_a.Put(Key(i), value, 3600);
    (void)store_b.Put(Key(i), value, 3600);
  }
  auto make = [&](const std::string& id, repram::TtlStore& store) {
    return std::make_unique<AntiEntropy>(
        repram::cluster::AntiEntropyConfig{.node_id = id,
                                           .enclave = "default",
                                           .secret = "",
                                           .interval = std::chrono::seconds(1),
                                           .tick = std::chrono::seconds(1)},
        repram::cluster::AntiEntropyDeps{
            .scheduler = scheduler,
            .rng = rng,
            .transport = transport,
            .store = store,
            .peers = [] { return std::vector<repram::cluster::NodeInfo>{}; },
            .background = [](std::function<void()> fn) { fn(); }});
  };
  auto a = make("a", store_a);
  auto b = make("b", store_b);
  transport.targets = {{"a", a.get()}, {"b", b.get()}};
  const repram::cluster::NodeInfo peer_b{
      .id = "b", .address = "b", .gossip_port = 1, .http_port = 1, .enclave = "default"};

  auto round = [&](const char* label) {
    clock.Advance(std::chrono::seconds(2));  // past the per-peer trigger limit
    const uint64_t bytes_before = transport.bytes;
    const uint64_t digest_before = a->metrics().digest_bytes;
    const auto start = std::chrono::steady_clock::now();
    a->OnPeerRejoined(peer_b);
    std::printf("%-28s %8.3f s  digest bytes %8llu  all bytes %10llu  pulled %llu pushed %llu\n",
                label, Seconds(start),
                static_cast<unsigned long long>(a->metrics().digest_bytes - digest_before),
                static_cast<unsigned long long>(transport.bytes - bytes_before),
                static_cast<unsigned long long>(a->metrics().entries_pulled.load()),
                static_cast<unsigned long long>(a->metrics().entries_pushed.load()));
  };
  std::printf("%d entries of 100 bytes per node\n", entries);
  round("equal nodes");
  round("equal nodes (again)");
  // b lacks `missing` entries that a has (a's copies are written again, so the stores differ).
  for (int i = 0; i < missing; ++i) (void)store_a.Put("extra-" + Key(i), value, 3600);
  round("b lacks entries");
  std::printf("b holds %llu entries, a %llu\n",
              static_cast<unsigned long long>(store_b.entry_count()),
              static_cast<unsigned long long>(store_a.entry_count()));
  round("equal again");
  return 0;
}
