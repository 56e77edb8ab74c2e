#include "sim/simulation.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "cluster/anti_entropy.h"
#include "cluster/catchup_codec.h"
#include "cluster/message.h"
#include "store/ttl_store.h"
#include "tree/substrate.h"
#include "tree/transient.h"
#include "tree/tree_port.h"

namespace repram::sim {
namespace {

using cluster::ClusterNode;
using cluster::OutboundRequest;
using cluster::PeerOutcome;
using cluster::PeerReply;
using cluster::TransportResult;

constexpr uint16_t kHttpPort = 8080;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string HostOf(size_t i) {
  return fmt::format("10.{}.{}.{}", i / 62500 % 250, i / 250 % 250, i % 250 + 1);
}

Duration Seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

TransportResult Answer(int status, std::string body = {}) {
  TransportResult r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

// A node's replica store as far as the measures need it: which writes it holds.
// With anti-entropy or catch-up on, replicas also go to a real TtlStore (what anti-entropy
// compares and repairs, what catch-up serves and fills), and a write counts as held when either
// knows it. It tells the simulation (OnHeld) whether its node is a transient.
class Simulation::Store final : public cluster::ReplicaStore {
 public:
  Store(Simulation& sim, bool transient, TtlStore* ttl_store)
      : sim_(sim), transient_(transient), ttl_store_(ttl_store) {}
  Status Put(std::string_view key, std::string_view value, int64_t ttl) override {
    if (ttl_store_ != nullptr) {
      if (Status stored = ttl_store_->Put(key, value, ttl); !stored.ok()) return stored;
    }
    const int64_t w = DeliveryTracker::IndexOf(key);
    if (w < 0) return Status::Ok();
    const auto index = static_cast<size_t>(w);
    if (index >= held_.size()) held_.resize(index + 1, false);
    if (!held_[index]) {
      held_[index] = true;
      sim_.OnHeld(index, transient_, sim_.Now());
    }
    return Status::Ok();
  }
  bool Holds(size_t w, std::string_view key) const {
    if (w < held_.size() && held_[w]) return true;
    return ttl_store_ != nullptr && ttl_store_->GetMeta(key).has_value();
  }

 private:
  Simulation& sim_;
  const bool transient_;
  TtlStore* const ttl_store_;
  std::vector<bool> held_;
};

// The isolation-recovery seeds: the roots.
class Simulation::RootSeeds final : public cluster::SeedProvider {
 public:
  explicit RootSeeds(std::vector<std::string> seeds) : seeds_(std::move(seeds)) {}
  std::vector<std::string> Seeds() override { return seeds_; }

 private:
  std::vector<std::string> seeds_;
};

// One life of a slot: a node and what it refers to.
struct Simulation::Incarnation {
  std::string id;
  double started_s = 0;
  std::unique_ptr<TtlStore> ttl_store;  // only with anti-entropy or catch-up
  std::unique_ptr<Store> store;
  std::unique_ptr<SimRng> rng;
  // The tree (substrates and transients only), wired as app/node.cc wires it.
  tree::TreeMetrics tree_metrics;
  std::unique_ptr<tree::ClusterNodePort> tree_port;
  std::unique_ptr<tree::WsDialer> dialer;
  std::unique_ptr<tree::Substrate> substrate;
  std::unique_ptr<tree::Transient> transient;
  std::unique_ptr<ClusterNode> node;
  std::unique_ptr<cluster::AntiEntropy> anti_entropy;
};

struct Simulation::Member {
  std::string host;
  std::string enclave;
  Role role = Role::kMesh;
  bool root = false;
  size_t restarts = 0;
  bool attached = false;   // a transient with a parent (as of its last link event)
  double detached_s = -1;  // when it lost its parent (-1: attached, or never attached yet)
  std::unique_ptr<Incarnation> current;  // null while down
};

Simulation::Simulation(Scenario scenario, uint64_t seed, bool progress)
    : scenario_(std::move(scenario)),
      seed_(seed),
      progress_(progress),
      network_(scenario_.network, seed, loop_,
               [this](size_t to, const OutboundRequest& req) { return Handle(to, req); }),
      rng_(Mix64(seed ^ 0x636875726eULL)) {
  for (size_t i = 0; i < scenario_.roots; ++i) {
    root_seeds_.push_back(fmt::format("{}:{}", HostOf(i), kHttpPort));
  }
  seeds_ = std::make_unique<RootSeeds>(root_seeds_);
  ws_ = std::make_unique<WsNet>(network_, loop_, Seconds(scenario_.network.timeout_s),
                                [this](size_t slot) -> tree::WsLinkEvents* {
                                  const auto& current = members_[slot]->current;
                                  return current ? current->substrate.get() : nullptr;
                                });
}

Simulation::~Simulation() {
  for (auto& member : members_) {
    if (!member->current) continue;
    if (member->current->anti_entropy) member->current->anti_entropy->Stop();
    if (member->current->transient) member->current->transient->Stop();
    member->current->node->Stop();
  }
}

double Simulation::Now() const { return std::chrono::duration<double>(loop_.Elapsed()).count(); }

size_t Simulation::AddMember(Role role) {
  const size_t i = members_.size();
  auto member = std::make_unique<Member>();
  member->role = role;
  member->host = HostOf(i);
  member->enclave =
      scenario_.enclaves == 1 ? std::string("default") : fmt::format("e{}", i % scenario_.enclaves);
  member->root = i < scenario_.roots;
  members_.push_back(std::move(member));
  bootstrap_by_slot_.push_back(0);
  network_.AddSlot(HostOf(i));
  network_.SetState(i, Network::State::kGone);  // nothing listens until it starts
  if (role == Role::kTransient && scenario_.transients.nat) network_.SetNat(i, true);
  return i;
}

void Simulation::StartMember(size_t i) {
  Member& m = *members_[i];
  auto inc = std::make_unique<Incarnation>();
  const bool transient = m.role == Role::kTransient;
  const std::string name =
      transient ? fmt::format("transient-{}", i - scenario_.nodes) : fmt::format("node-{}", i);
  inc->id = m.restarts == 0 ? name : fmt::format("{}-r{}", name, m.restarts);
  inc->started_s = Now();
  const bool anti_entropy = scenario_.anti_entropy_interval_s > 0;
  if (anti_entropy || scenario_.catchup) inc->ttl_store = std::make_unique<TtlStore>(loop_, 0);
  inc->store = std::make_unique<Store>(*this, transient, inc->ttl_store.get());
  inc->rng = std::make_unique<SimRng>(Mix64(seed_ * 1'000'003 + i) + m.restarts, scenario_.jitter);
  cluster::ClusterConfig config = scenario_.cluster;
  config.node_id = inc->id;
  config.address = m.host;
  config.http_port = kHttpPort;
  config.gossip_port = 9090;
  config.enclave = m.enclave;
  // A root skips itself. A transient's one seed list serves its bootstrap and its attach.
  config.seeds = transient ? TransientSeeds(i) : root_seeds_;
  cluster::WsRelay* relay = nullptr;
  if (m.role != Role::kMesh) {
    tree::TreeOptions options;
    options.self = cluster::NodeInfo{inc->id, m.host, config.gossip_port, kHttpPort,
                                     cluster::NormalizeEnclave(m.enclave)};
    options.max_children = scenario_.transients.max_children;
    options.write_timeout = config.write_timeout;
    inc->tree_port = std::make_unique<tree::ClusterNodePort>();
    if (transient) {
      inc->dialer = ws_->MakeDialer(i, [this, i] { WatchParent(i); });
      inc->transient = std::make_unique<tree::Transient>(
          options, config.seeds, scenario_.recovery ? seeds_.get() : nullptr, *inc->tree_port,
          *inc->dialer, loop_, inc->tree_metrics);
      relay = inc->transient.get();
      m.attached = false;
      m.detached_s = -1;
    } else {
      inc->substrate =
          std::make_unique<tree::Substrate>(options, *inc->tree_port, loop_, inc->tree_metrics);
      relay = inc->substrate.get();
    }
  }
  Incarnation* self = inc.get();
  cluster::ClusterHooks hooks;
  if (anti_entropy) {
    hooks.on_peer_rejoined = [self](const cluster::NodeInfo& peer) {
      if (self->anti_entropy) self->anti_entropy->OnPeerRejoined(peer);
    };
  }
  inc->node = std::make_unique<ClusterNode>(
      config,
      cluster::ClusterDeps{.scheduler = loop_,
                           .rng = *inc->rng,
                           .transport = network_.transport(i),
                           .store = *inc->store,
                           .recovery_seeds = scenario_.recovery ? seeds_.get() : nullptr,
                           .ws_relay = relay,
                           .catchup_store = scenario_.catchup ? inc->ttl_store.get() : nullptr},
      std::move(hooks));
  if (inc->tree_port) inc->tree_port->Bind(inc->node.get());
  if (anti_entropy) {
    const Duration interval = Seconds(scenario_.anti_entropy_interval_s);
    inc->anti_entropy = std::make_unique<cluster::AntiEntropy>(
        cluster::AntiEntropyConfig{.node_id = inc->id,
                                   .enclave = m.enclave,
                                   .secret = "",
                                   .interval = interval,
                                   .tick = std::min(interval, config.ping_interval)},
        cluster::AntiEntropyDeps{.scheduler = loop_,
                                 .rng = *inc->rng,
                                 .transport = network_.transport(i),
                                 .store = *inc->ttl_store,
                                 .peers = [self] { return self->node->SameEnclavePeers(); },
                                 .background = [](std::function<void()> work) { work(); }});
  }
  m.current = std::move(inc);
  network_.SetState(i, Network::State::kUp);
  // A transient attaches 500 ms after its HTTP bootstrap (ws-tree.md §8.1), as in app.
  m.current->node->Start([t = m.current->transient.get()] {
    if (t != nullptr) t->Start();
  });
  if (m.current->anti_entropy) m.current->anti_entropy->Start();
}

std::vector<std::string> Simulation::TransientSeeds(size_t i) const {
  const size_t k = std::min(scenario_.transients.substrates, scenario_.nodes);
  const size_t first = scenario_.transients.spread_seeds ? (i - scenario_.nodes) % k : 0;
  std::vector<std::string> seeds;
  for (size_t s = 0; s < k; ++s) {
    seeds.push_back(fmt::format("{}:{}", HostOf((first + s) % k), kHttpPort));
  }
  return seeds;
}

void Simulation::WatchParent(size_t i) {
  Member& m = *members_[i];
  if (!m.current || !m.current->transient) return;
  const bool attached = m.current->transient->ParentId().has_value();
  if (attached == m.attached) return;
  m.attached = attached;
  if (!attached) {
    m.detached_s = Now();
    return;
  }
  if (m.detached_s < 0) {
    attach_s_.push_back(Now() - m.current->started_s);
  } else {
    reattach_s_.push_back(Now() - m.detached_s);
  }
  m.detached_s = -1;
}

void Simulation::StopMember(size_t i, bool graceful) {
  Member& m = *members_[i];
  if (!m.current) return;
  Incarnation& inc = *m.current;
  if (!graceful) ws_->DropSlot(i);  // before the tree stops: its goodbyes and closes go nowhere
  if (inc.substrate) inc.substrate->Shutdown(Duration(0));
  if (inc.transient) inc.transient->Stop();
  ClusterNode& node = *inc.node;
  if (inc.anti_entropy) inc.anti_entropy->Stop();
  node.Stop();
  if (m.role != Role::kTransient) {  // the mesh's counters
    const cluster::ClusterMetrics& metrics = node.metrics();
    for (size_t t = 0; t < retired_sent_.size(); ++t) retired_sent_[t] += metrics.messages_sent[t];
    retired_recoveries_ += metrics.isolation_recoveries_total;
    retired_recovery_failures_ += metrics.isolation_recovery_failures_total;
  }
  retired_.push_back(std::move(m.current));
}

std::vector<size_t> Simulation::PickVictims(size_t count, Event::Target target) {
  std::vector<size_t> pool;
  for (size_t i = 0; i < members_.size(); ++i) {
    const Member& m = *members_[i];
    const bool fits = target == Event::Target::kMesh        ? m.role != Role::kTransient
                      : target == Event::Target::kSubstrate ? m.role == Role::kSubstrate
                                                            : m.role == Role::kTransient;
    if (m.current && !m.root && fits) pool.push_back(i);
  }
  count = std::min(count, pool.size());
  for (size_t k = 0; k < count; ++k) std::swap(pool[k], pool[k + rng_.Below(pool.size() - k)]);
  pool.resize(count);
  std::sort(pool.begin(), pool.end());
  return pool;
}

void Simulation::Apply(const Event& event) {
  const size_t n = members_.size();
  switch (event.kind) {
    case Event::Kind::kPartition: {
      double total = 0;
      for (double share : event.groups) total += share;
      for (size_t i = 0; i < n; ++i) {
        const double position = (static_cast<double>(i) + 0.5) / static_cast<double>(n) * total;
        double edge = 0;
        int group = 0;
        while (group + 1 < static_cast<int>(event.groups.size()) &&
               position > edge + event.groups[static_cast<size_t>(group)]) {
          edge += event.groups[static_cast<size_t>(group)];
          ++group;
        }
        network_.SetGroup(i, group + 1);
      }
      break;
    }
    case Event::Kind::kIsolateAll:
      for (size_t i = 0; i < n; ++i) network_.SetGroup(i, static_cast<int>(i) + 1);
      break;
    case Event::Kind::kHeal:
      for (size_t i = 0; i < n; ++i) network_.SetGroup(i, 0);
      last_heal_s_ = Now();
      converged_s_ = -1;
      recovered_s_ = -1;
      next_accuracy_s_ = Now();
      break;
    case Event::Kind::kCrash:
    case Event::Kind::kLeave:
      for (size_t i : PickVictims(event.count, event.target)) {
        StopMember(i, /*graceful=*/event.kind == Event::Kind::kLeave);
        network_.SetState(i, event.kind == Event::Kind::kCrash ? Network::State::kCrashed
                                                               : Network::State::kGone);
      }
      break;
    case Event::Kind::kRestart:
      for (size_t i : PickVictims(event.count, event.target)) {
        StopMember(i, /*graceful=*/false);
        ++members_[i]->restarts;
        StartMember(i);
      }
      break;
    case Event::Kind::kJoin:
      for (size_t k = 0; k < event.count; ++k) StartMember(AddMember(Role::kMesh));
      break;
  }
}

TransportResult Simulation::Handle(size_t to, const OutboundRequest& req) {
  Member& m = *members_[to];
  if (!m.current) return Answer(503);
  ClusterNode& node = *m.current->node;
  if (req.path == cluster::kGossipPath) {
    // Open mode: HandleGossip would only add the (absent) signature check to this. The
    // answer's body is left out: a sender of gossip looks only at the status.
    // ParseMessage reads the encoder's own layout without building a JSON tree.
    Result<cluster::SimpleMessage> msg = cluster::ParseMessage(req.body);
    if (!msg.ok()) return Answer(400);
    const PeerReply reply = node.HandleMessage(*msg, req.fanout_full);
    return Answer(reply.ok() ? 200 : 400);
  }
  if (req.path == cluster::kBootstrapPath) {
    ++bootstrap_by_slot_[to];
    ++bootstrap_total_;
    PeerReply reply = node.HandleBootstrap(req.body, "");
    if (reply.ok()) return Answer(200, std::move(reply.detail));
    return Answer(reply.outcome == PeerOutcome::kNotBootstrapRoot ? 403 : 400);
  }
  if (req.path == cluster::kCatchupPath) {
    PeerReply reply{PeerOutcome::kShuttingDown};
    // No background worker here: the reply is set before HandleCatchup returns.
    node.HandleCatchup(std::string(req.body.view()), "",
                       [&reply](PeerReply r) { reply = std::move(r); });
    ++catchup_requests_;
    if (reply.outcome == PeerOutcome::kDocument) return Answer(200, std::move(reply.detail));
    if (reply.outcome == PeerOutcome::kNotServed) return Answer(404);
    return Answer(reply.outcome == PeerOutcome::kEnclaveMismatch ? 403 : 400);
  }
  if (m.current->anti_entropy && req.path.starts_with("/v1/antientropy/")) {
    return HandleAntiEntropy(*m.current, req);
  }
  return Answer(404);
}

TransportResult Simulation::HandleAntiEntropy(Incarnation& inc, const OutboundRequest& req) {
  PeerReply reply{PeerOutcome::kShuttingDown};
  auto set = [&reply](PeerReply r) { reply = std::move(r); };  // runs inline (no worker)
  std::string body(req.body.view());
  if (req.path == "/v1/antientropy/digest") {
    inc.anti_entropy->HandleDigest(std::move(body), "", set);
  } else if (req.path == "/v1/antientropy/diff") {
    inc.anti_entropy->HandleDiff(std::move(body), "", set);
  } else if (req.path == "/v1/antientropy/push") {
    inc.anti_entropy->HandlePush(std::move(body), "", set);
  } else {
    return Answer(404);
  }
  ++anti_entropy_requests_;
  anti_entropy_bytes_ += req.body.size() + reply.detail.size();
  if (reply.outcome == PeerOutcome::kDocument) return Answer(200, std::move(reply.detail));
  if (reply.outcome == PeerOutcome::kAccepted) return Answer(200);
  return Answer(reply.outcome == PeerOutcome::kEnclaveConflict ? 409 : 400);
}

void Simulation::Write(size_t k) {
  const Workload& w = scenario_.writes;
  const size_t pool =
      w.originators == 0 ? members_.size() : std::min(w.originators, members_.size());
  for (size_t tries = 0; tries < pool; ++tries) {
    const size_t i = (k + tries) % pool;
    Member& m = *members_[i];
    if (!m.current) continue;
    size_t targets = 0;  // the mesh's live nodes of the enclave
    size_t transients = 0;
    for (const auto& other : members_) {
      if (!other->current || other->enclave != m.enclave) continue;
      ++(other->role == Role::kTransient ? transients : targets);
    }
    const double t = Now();
    const size_t id = writes_.size();
    WriteRef ref{.by_transient = m.role == Role::kTransient};
    if (ref.by_transient) {
      ref.index = from_transients_.Add(t, targets + transients);
    } else {
      ref.index = delivery_.Add(t, targets);
      if (scenario_.transients.count > 0) ref.transients = to_transients_.Add(t, transients);
    }
    writes_.push_back(ref);
    const std::string key = DeliveryTracker::KeyOf(id, w.key_bytes);
    const std::string value(w.value_bytes, 'v');
    (void)m.current->store->Put(key, value, w.ttl_s);  // the local copy comes first (§9.1)
    m.current->node->ReplicateWrite(key, value, w.ttl_s,
                                    [this, id](bool quorum) { OnQuorum(id, quorum); });
    for (size_t c = 0; c < DeliveryTracker::kCheckpoints.size(); ++c) {
      loop_.Post(Seconds(DeliveryTracker::kCheckpoints[c]),
                 [this, id, c, enclave = m.enclave, t] { Checkpoint(id, c, enclave, t); });
    }
    break;
  }
  const double next = w.start_s + static_cast<double>(k + 1) / w.rate;
  const double stop =
      w.stop_s > 0 ? std::min(w.stop_s, scenario_.duration_s) : scenario_.duration_s;
  if (next < stop) loop_.Post(Seconds(next - Now()), [this, k] { Write(k + 1); });
}

void Simulation::OnHeld(size_t w, bool transient, double t_s) {
  const WriteRef& ref = writes_[w];
  if (ref.by_transient) {
    from_transients_.OnHeld(ref.index, t_s);
  } else if (transient) {
    to_transients_.OnHeld(ref.transients, t_s);
  } else {
    delivery_.OnHeld(ref.index, t_s);
  }
}

void Simulation::OnQuorum(size_t w, bool quorum) {
  const WriteRef& ref = writes_[w];
  (ref.by_transient ? from_transients_ : delivery_).OnQuorum(ref.index, quorum, Now());
}

void Simulation::Checkpoint(size_t w, size_t c, const std::string& enclave, double written_s) {
  const std::string key = DeliveryTracker::KeyOf(w, scenario_.writes.key_bytes);
  std::array<size_t, 2> holders{};  // mesh, transients
  std::array<size_t, 2> members{};
  for (const auto& m : members_) {
    if (!m->current || m->enclave != enclave || m->current->started_s > written_s) continue;
    const size_t group = m->role == Role::kTransient ? 1 : 0;
    ++members[group];
    holders[group] += m->current->store->Holds(w, key) ? 1 : 0;
  }
  const WriteRef& ref = writes_[w];
  if (ref.by_transient) {
    from_transients_.OnCheckpoint(ref.index, c, holders[0] + holders[1], members[0] + members[1]);
    return;
  }
  delivery_.OnCheckpoint(ref.index, c, holders[0], members[0]);
  if (scenario_.transients.count > 0) {
    to_transients_.OnCheckpoint(ref.transients, c, holders[1], members[1]);
  }
}

std::array<double, 2> Simulation::Accuracy() {
  std::unordered_set<std::string> alive;       // the mesh's live nodes
  std::unordered_set<std::string> transients;  // live transients: known, but not counted missing
  for (const auto& m : members_) {
    if (m->current) (m->role == Role::kTransient ? transients : alive).insert(m->current->id);
  }
  double false_members = 0;
  double missing = 0;
  for (const auto& m : members_) {
    if (!m->current || m->role == Role::kTransient) continue;
    size_t known = 0;
    size_t known_transients = 0;
    const std::vector<cluster::NodeInfo> peers = m->current->node->Peers();
    for (const cluster::NodeInfo& peer : peers) {
      known += alive.contains(peer.id) ? 1 : 0;
      known_transients += transients.contains(peer.id) ? 1 : 0;
    }
    false_members += static_cast<double>(peers.size() - known - known_transients);
    missing += static_cast<double>(alive.size() - 1 - known);
  }
  const double n = std::max<double>(1, static_cast<double>(alive.size()));
  return {false_members / n, missing / n};
}

void Simulation::Sample(size_t second) {
  std::array<uint64_t, cluster::kMessageTypeCount> sent = retired_sent_;
  uint64_t recoveries = retired_recoveries_;
  uint64_t recovery_failures = retired_recovery_failures_;
  size_t alive = 0;
  size_t isolated = 0;
  double peers_sum = 0;
  double peers_min = kNaN;
  double peers_max = kNaN;
  size_t attached = 0;
  for (const auto& m : members_) {
    if (!m->current) continue;
    if (m->role == Role::kTransient) {
      attached += m->current->transient->ParentId().has_value() ? 1 : 0;
      continue;  // the measures above are the mesh's
    }
    const ClusterNode& node = *m->current->node;
    const cluster::ClusterMetrics& metrics = node.metrics();
    for (size_t t = 0; t < sent.size(); ++t) sent[t] += metrics.messages_sent[t];
    recoveries += metrics.isolation_recoveries_total;
    recovery_failures += metrics.isolation_recovery_failures_total;
    const auto peers = static_cast<double>(node.PeerCount());
    ++alive;
    isolated += peers <= static_cast<double>(scenario_.cluster.isolation_threshold) ? 1 : 0;
    peers_sum += peers;
    peers_min = std::isnan(peers_min) ? peers : std::min(peers_min, peers);
    peers_max = std::isnan(peers_max) ? peers : std::max(peers_max, peers);
  }
  const double nodes = std::max<double>(1, static_cast<double>(alive));
  std::vector<double> row{static_cast<double>(second),
                          static_cast<double>(alive),
                          peers_sum / nodes,
                          peers_min,
                          peers_max,
                          static_cast<double>(isolated)};
  const bool steady = static_cast<double>(second) > scenario_.startup_s + 1;
  for (size_t t = 0; t < sent.size(); ++t) {
    const uint64_t delta = sent[t] - last_sent_[t];
    row.push_back(static_cast<double>(delta) / nodes);
    if (steady) steady_sent_[t] += delta;
  }
  if (steady) steady_node_seconds_ += static_cast<double>(alive);
  last_sent_ = sent;

  uint64_t bootstraps = 0;
  uint64_t busiest_root = 0;
  for (size_t i = 0; i < bootstrap_by_slot_.size(); ++i) {
    bootstraps += bootstrap_by_slot_[i];
    if (members_[i]->root) busiest_root = std::max(busiest_root, bootstrap_by_slot_[i]);
    bootstrap_by_slot_[i] = 0;
  }
  bootstrap_max_root_s_ = std::max(bootstrap_max_root_s_, static_cast<double>(busiest_root));
  row.push_back(static_cast<double>(bootstraps));
  row.push_back(static_cast<double>(busiest_root));
  row.push_back(static_cast<double>(recoveries));
  row.push_back(static_cast<double>(recovery_failures));
  const std::array<size_t, 3> writes = delivery_.InSecond(second - 1);
  for (size_t v : writes) row.push_back(static_cast<double>(v));

  double false_members = kNaN;
  double missing = kNaN;
  const double now = Now();
  if (now >= next_accuracy_s_) {
    const std::array<double, 2> accuracy = Accuracy();
    false_members = last_false_ = accuracy[0];
    missing = last_missing_ = accuracy[1];
    const bool converging = last_heal_s_ >= 0 && converged_s_ < 0;
    if (converging && missing == 0) converged_s_ = now - last_heal_s_;
    next_accuracy_s_ = now + (last_heal_s_ >= 0 && converged_s_ < 0 ? 1 : scenario_.sample_s);
  }
  if (last_heal_s_ >= 0 && recovered_s_ < 0 && isolated == 0) recovered_s_ = now - last_heal_s_;
  row.push_back(false_members);
  row.push_back(missing);
  if (scenario_.transients.count > 0) {
    row.push_back(static_cast<double>(attached));
    row.push_back(static_cast<double>(ws_->frames() - last_frames_));
    last_frames_ = ws_->frames();
    for (size_t v : from_transients_.InSecond(second - 1)) row.push_back(static_cast<double>(v));
  }
  series_.rows.push_back(std::move(row));
}

RunResult Simulation::Run() {
  series_.columns = {"t_s",
                     "alive",
                     "peers_mean",
                     "peers_min",
                     "peers_max",
                     "isolated",
                     "put_per_node",
                     "ack_per_node",
                     "ping_per_node",
                     "pong_per_node",
                     "sync_per_node",
                     "bootstrap_requests",
                     "bootstrap_busiest_root",
                     "isolation_recoveries",
                     "isolation_recovery_failures",
                     "writes",
                     "quorum_201",
                     "quorum_202",
                     "false_members",
                     "missing_members"};
  const TransientModel& tm = scenario_.transients;
  if (tm.count > 0) {
    for (const char* column : {"transients_attached", "tree_frames", "transient_writes",
                               "transient_quorum_201", "transient_quorum_202"}) {
      series_.columns.emplace_back(column);
    }
  }
  const size_t substrates = tm.count > 0 ? std::min(tm.substrates, scenario_.nodes) : 0;
  for (size_t i = 0; i < scenario_.nodes; ++i) {
    const size_t slot = AddMember(i < substrates ? Role::kSubstrate : Role::kMesh);
    const double at = i < scenario_.roots ? 0.001 * static_cast<double>(i)
                                          : scenario_.startup_s * static_cast<double>(i) /
                                                static_cast<double>(scenario_.nodes);
    loop_.Post(Seconds(at), [this, slot] { StartMember(slot); });
  }
  for (size_t j = 0; j < tm.count; ++j) {
    const size_t slot = AddMember(Role::kTransient);
    const double at =
        tm.start_s + tm.startup_s * static_cast<double>(j) / static_cast<double>(tm.count);
    loop_.Post(Seconds(at), [this, slot] { StartMember(slot); });
  }
  for (const Event& event : scenario_.events) {
    loop_.Post(Seconds(event.at_s), [this, event] { Apply(event); });
  }
  if (scenario_.writes.rate > 0 && scenario_.writes.start_s < scenario_.duration_s) {
    loop_.Post(Seconds(scenario_.writes.start_s), [this] { Write(0); });
  }
  const auto seconds = static_cast<size_t>(std::floor(scenario_.duration_s));
  for (size_t s = 1; s <= seconds; ++s) {
    loop_.Post(Seconds(static_cast<double>(s)), [this, s] { Sample(s); });
  }
  const auto wall_start = std::chrono::steady_clock::now();
  for (double t = 1; t < scenario_.duration_s + 1; t += 1) {
    loop_.RunUntil(Seconds(std::min(t, scenario_.duration_s)));
    if (progress_) {
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      std::fprintf(
          stderr, "t=%.0fs wall=%.1fs events=%llu pending=%zu max_rss=%ldMiB\n", Now(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count(),
          static_cast<unsigned long long>(loop_.events_run()), loop_.pending(),
          usage.ru_maxrss / 1024);
    }
  }
  RunResult result;
  Summarize(result);
  result.series = std::move(series_);
  result.events = loop_.events_run();
  return result;
}

void Simulation::Summarize(RunResult& out) {
  Summary& s = out.summary;
  s.Add("nodes", static_cast<double>(scenario_.nodes));
  s.Add("duration_s", scenario_.duration_s);
  s.Add("seed", static_cast<double>(seed_));
  delivery_.Summarize(s);
  const auto sent_total = [&](cluster::MessageType type) {
    return static_cast<double>(last_sent_[static_cast<size_t>(type)]);
  };
  // Every write the mesh carried: with transients, their writes are relayed by the mesh too.
  const double writes = static_cast<double>(delivery_.writes() + from_transients_.writes());
  s.Add("put_per_write", writes > 0 ? sent_total(cluster::MessageType::kPut) / writes : kNaN);
  s.Add("ack_per_write", writes > 0 ? sent_total(cluster::MessageType::kAck) / writes : kNaN);
  const char* const kNames[] = {"put", "ack", "ping", "pong", "sync"};
  double steady_total = 0;
  for (size_t t = 0; t < steady_sent_.size(); ++t) {
    const double rate = steady_node_seconds_ > 0
                            ? static_cast<double>(steady_sent_[t]) / steady_node_seconds_
                            : kNaN;
    steady_total += rate;
    s.Add(fmt::format("msgs_per_node_s_{}", kNames[t]), rate);
  }
  s.Add("msgs_per_node_s_total", steady_total);
  s.Add("bootstrap_requests", static_cast<double>(bootstrap_total_));
  s.Add("bootstrap_busiest_root_per_s", bootstrap_max_root_s_);
  const auto last_row = [&](size_t column) {
    return series_.rows.empty() ? kNaN : series_.rows.back()[column];
  };
  s.Add("isolation_recoveries", last_row(13));
  s.Add("isolation_recovery_failures", last_row(14));
  const std::array<double, 2> accuracy = Accuracy();
  s.Add("peers_mean_end", last_row(2));
  s.Add("false_members_end", accuracy[0]);
  s.Add("missing_members_end", accuracy[1]);
  s.Add("convergence_s", last_heal_s_ < 0 ? kNaN : converged_s_);
  s.Add("isolation_recovered_s", last_heal_s_ < 0 ? kNaN : recovered_s_);
  const double node_seconds = steady_node_seconds_ > 0 ? steady_node_seconds_ : kNaN;
  s.Add("anti_entropy_requests_per_node_s",
        static_cast<double>(anti_entropy_requests_) / node_seconds);
  s.Add("anti_entropy_bytes_per_node_s", static_cast<double>(anti_entropy_bytes_) / node_seconds);
  s.Add("requests_delivered", static_cast<double>(network_.delivered()));
  s.Add("requests_lost", static_cast<double>(network_.lost()));
  s.Add("requests_cut", static_cast<double>(network_.cut()));
  s.Add("requests_timed_out", static_cast<double>(network_.timed_out()));
  if (scenario_.transients.count > 0) SummarizeTree(s);
  if (scenario_.catchup) s.Add("catchup_requests", static_cast<double>(catchup_requests_));
}

void Simulation::SummarizeTree(Summary& s) {
  s.Add("transients", static_cast<double>(scenario_.transients.count));
  to_transients_.Summarize(s, "mesh_to_transients_", /*quorum=*/false);
  from_transients_.Summarize(s, "transient_");
  size_t attached = 0;
  size_t alive = 0;
  size_t children_max = 0;
  for (const auto& m : members_) {
    if (!m->current) continue;
    if (m->current->transient) {
      ++alive;
      attached += m->current->transient->ParentId().has_value() ? 1 : 0;
    }
    if (m->current->substrate) {
      children_max = std::max(children_max, m->current->substrate->Children().size());
    }
  }
  s.Add("transients_alive_end", static_cast<double>(alive));
  s.Add("transients_attached_end", static_cast<double>(attached));
  s.Add("substrate_children_max_end", static_cast<double>(children_max));
  s.Add("transient_attach_p50_s", Quantile(attach_s_, 0.5));
  s.Add("transient_attach_max_s", Quantile(attach_s_, 1));
  s.Add("transient_reattaches", static_cast<double>(reattach_s_.size()));
  s.Add("transient_reattach_p50_s", Quantile(reattach_s_, 0.5));
  s.Add("transient_reattach_max_s", Quantile(reattach_s_, 1));
  s.Add("tree_frames_per_s", static_cast<double>(ws_->frames()) / scenario_.duration_s);
  s.Add("requests_nat_dropped", static_cast<double>(network_.nat_dropped()));
}

}  // namespace repram::sim
