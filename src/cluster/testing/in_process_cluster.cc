#include "cluster/testing/in_process_cluster.h"

#include <fmt/format.h>

#include <utility>

#include "cluster/gossip_batch.h"
#include "cluster/testing/fake_transport.h"

namespace repram::cluster::testing {

// The Transport of one node: hands every POST to the cluster's network.
class InProcessCluster::Link final : public Transport {
 public:
  Link(InProcessCluster* cluster, size_t index) : cluster_(cluster), index_(index) {}
  void Post(OutboundRequest req, std::function<void(TransportResult)> done) override {
    cluster_->Deliver(index_, std::move(req), std::move(done));
  }

 private:
  InProcessCluster* cluster_;
  size_t index_;
};

namespace {

std::string AddressOf(size_t i) { return fmt::format("10.0.{}.{}", i / 250, i % 250 + 1); }

}  // namespace

InProcessCluster::InProcessCluster(Options options) : options_(std::move(options)) {
  for (size_t i = 0; i < options_.nodes; ++i) {
    members_.push_back(std::make_unique<Member>());
    Build(i, fmt::format("node-{}", i),
          i == 0 ? std::vector<std::string>{} : std::vector<std::string>{Seed(0)});
  }
}

InProcessCluster::~InProcessCluster() {
  for (auto& member : members_) member->node->Stop();
}

void InProcessCluster::Build(size_t i, const std::string& id, std::vector<std::string> seeds) {
  Member& m = *members_[i];
  ClusterConfig config = options_.base;
  config.node_id = id;
  config.address = AddressOf(i);
  config.http_port = 8080;
  config.gossip_port = 9090;
  config.seeds = std::move(seeds);
  if (!m.link) m.link = std::make_unique<Link>(this, i);
  if (!m.store) m.store = std::make_unique<MemoryStore>();
  if (!m.provider) m.provider = std::make_unique<ListSeedProvider>(std::vector{Seed(0)});
  m.rng = std::make_unique<SeededRng>(options_.rng_seed * 1000 + i);
  m.node = std::make_unique<ClusterNode>(
      std::move(config),
      ClusterDeps{.scheduler = scheduler_,
                  .rng = *m.rng,
                  .transport = *m.link,
                  .store = *m.store,
                  .recovery_seeds = options_.recovery_seeds ? m.provider.get() : nullptr});
}

std::string InProcessCluster::Seed(size_t i) const { return AddressOf(i) + ":8080"; }

void InProcessCluster::StartAll() {
  for (auto& member : members_) {
    member->node->Start();
    RunFor(std::chrono::milliseconds(10));
  }
  RunFor(std::chrono::milliseconds(100));
}

void InProcessCluster::RunFor(Duration d) { scheduler_.AdvanceBy(d); }

void InProcessCluster::Restart(size_t i, const std::string& new_id,
                               std::vector<std::string> seeds) {
  members_[i]->node->Stop();
  members_[i]->node.reset();
  members_[i]->down = false;
  members_[i]->cut = false;
  Build(i, new_id, std::move(seeds));
  members_[i]->node->Start();
}

size_t InProcessCluster::Delivered(const std::string& type) const {
  if (!type.empty()) {
    auto it = delivered_.find(type);
    return it == delivered_.end() ? 0 : it->second;
  }
  size_t total = 0;
  for (const auto& [name, count] : delivered_) total += count;
  return total;
}

void InProcessCluster::Deliver(size_t from, OutboundRequest req,
                               std::function<void(TransportResult)> done) {
  const uint64_t id = next_delivery_++;
  deliveries_[id] = scheduler_.After(
      options_.latency, [this, from, id, req = std::move(req), done = std::move(done)] {
        auto self_task = std::move(deliveries_[id]);  // released when this delivery returns
        deliveries_.erase(id);
        ClusterNode* target = nullptr;
        for (auto& member : members_) {
          const NodeInfo& self = member->node->self();
          if (!member->down && !member->cut && !members_[from]->cut && self.address == req.host &&
              self.http_port == req.port) {
            target = member->node.get();
          }
        }
        if (target == nullptr) return done(FakeTransport::Answer(0));
        PeerReply reply;
        if (req.path == kGossipPath) {
          Result<SimpleMessage> msg = ParseMessage(req.body);
          if (msg.ok()) ++delivered_[msg->type];
          reply = target->HandleGossip(req.body, FakeTransport::Header(req, kSignatureHeader),
                                       FakeTransport::Header(req, kFanoutHeader) == kFanoutFull);
        } else if (req.path == kGossipBatchPath) {
          const auto lines = SplitBatch(req.body.view());
          for (std::string_view line : lines.ok() ? *lines : std::vector<std::string_view>{}) {
            Result<SimpleMessage> msg = ParseMessage(line);
            if (msg.ok()) ++delivered_[msg->type];
          }
          const std::string sig = FakeTransport::Header(req, kSignatureHeader);
          const bool full = FakeTransport::Header(req, kFanoutHeader) == kFanoutFull;
          reply = target->HandleGossipBatch(req.body, sig, full);
        } else {
          reply = target->HandleBootstrap(req.body, FakeTransport::Header(req, kSignatureHeader));
        }
        // Stands in for the integrator's HTTP mapping: a sender looks only at success and, for a
        // bootstrap, at the peer list.
        done(FakeTransport::Answer(reply.ok() ? 200 : 400, std::move(reply.detail)));
      });
}

}  // namespace repram::cluster::testing
