#include "tree/transient.h"

#include <spdlog/spdlog.h>

#include "tree/lifecycle.h"

namespace repram::tree {

using cluster::NodeInfo;
using cluster::SimpleMessage;

namespace {

int64_t Seconds(Duration d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

}  // namespace

Transient::Transient(TreeOptions options, std::vector<std::string> initial_seeds,
                     cluster::SeedProvider* seed_provider, TreeClusterPort& cluster,
                     WsDialer& dialer, Scheduler& scheduler, TreeMetrics& metrics)
    : options_(std::move(options)),
      initial_seeds_(std::move(initial_seeds)),
      seed_provider_(seed_provider),
      cluster_(cluster),
      dialer_(dialer),
      scheduler_(scheduler),
      metrics_(metrics),
      sender_(options_.secret, metrics),
      backoff_(options_.reattach) {}

Transient::~Transient() { Stop(); }

void Transient::Start() {
  MutexLock lock(mu_);
  if (stopped_ || start_timer_ || reattaching_) return;
  reattaching_ = true;
  start_timer_ = scheduler_.After(options_.initial_attach_delay, [this] { BeginIteration({}); });
}

void Transient::Stop() {
  std::shared_ptr<WsLink> parent;
  std::shared_ptr<WsLink> attempt_link;
  std::unique_ptr<Scheduler::Task> timers[4];
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    parent = std::move(parent_);
    if (attempt_) attempt_link = std::move(attempt_->link);
    attempt_.reset();
    plan_.reset();
    timers[0] = std::move(start_timer_);
    timers[1] = std::move(attempt_timer_);
    timers[2] = std::move(sleep_timer_);
    timers[3] = std::move(heartbeat_timer_);
    metrics_.attached = 0;
  }
  if (parent) parent->Close(kCloseNormal, "shutting down");
  if (attempt_link) attempt_link->Close(kCloseNormal, "");
}

std::optional<std::string> Transient::ParentId() const {
  MutexLock lock(mu_);
  if (!parent_) return std::nullopt;
  return parent_id_;
}

void Transient::BeginIteration(const std::vector<NodeInfo>& goodbye_alternatives) {
  bool initial = false;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    initial = initial_pass_;
  }
  std::vector<std::string> seeds = initial_seeds_;
  if (!initial && seed_provider_ != nullptr) {
    try {
      seeds = seed_provider_->Seeds();
    } catch (const std::exception& e) {
      spdlog::warn("WS reattach: seed provider failed: {}", e.what());
    }
  }
  {
    MutexLock lock(mu_);
    if (stopped_ || parent_) return;
    const SelfEndpoint self{options_.self.id, options_.self.address, options_.self.http_port};
    plan_.emplace(self, options_.reattach, goodbye_alternatives, cached_alternatives_, seeds);
  }
  TryNext();
}

void Transient::TryNext() {
  Candidate candidate;
  uint64_t id = 0;
  {
    MutexLock lock(mu_);
    if (stopped_ || parent_ || !plan_) return;
    std::optional<Candidate> next = plan_->Next(scheduler_.clock().Now());
    if (!next) {
      plan_.reset();
      if (initial_pass_) {
        spdlog::warn("Transient mode: no seed accepted WS attach (degraded — HTTP gossip only)");
        initial_pass_ = false;
      }
      const Duration delay = backoff_.Next();
      spdlog::warn("WS reattach: no substrate accepted; next attempt in {} s", Seconds(delay));
      sleep_timer_ = scheduler_.After(delay, [this] { BeginIteration({}); });
      return;
    }
    candidate = std::move(*next);
    id = ++next_attempt_id_;
    attempt_ = Attempt{id, candidate, nullptr};
    attempt_timer_ =
        scheduler_.After(candidate.timeout, [this, id] { FailAttempt(id, "attach timed out"); });
  }
  spdlog::debug("WS attach attempt to {} at {}:{}", candidate.id, candidate.address,
                candidate.http_port);
  dialer_.Dial(candidate.address, candidate.http_port, candidate.timeout, *this,
               [this, id](const std::shared_ptr<WsLink>& link) { OnDialed(id, link); });
}

void Transient::OnDialed(uint64_t attempt_id, const std::shared_ptr<WsLink>& link) {
  {
    MutexLock lock(mu_);
    const bool current = !stopped_ && attempt_ && attempt_->id == attempt_id;
    if (current && link) {
      attempt_->link = link;
      const Hello hello{options_.self.id, options_.self.enclave, options_.self.address,
                        options_.self.http_port, /*inbound=*/false};
      sender_.Send(*link, FrameType::kHello, EncodeHello(hello));
      return;
    }
    if (!current) {
      if (link) link->Close(kCloseNormal, "");
      return;
    }
  }
  FailAttempt(attempt_id, "dial failed");
}

void Transient::FailAttempt(uint64_t attempt_id, std::string_view why) {
  std::shared_ptr<WsLink> link;
  std::unique_ptr<Scheduler::Task> timer;
  std::string candidate;
  {
    MutexLock lock(mu_);
    if (stopped_ || !attempt_ || attempt_->id != attempt_id) return;
    link = std::move(attempt_->link);
    candidate = attempt_->candidate.id;
    attempt_.reset();
    timer = std::move(attempt_timer_);
  }
  spdlog::info("WS attach to {} failed: {}", candidate, why);
  if (link) link->Close(kCloseNormal, "");
  TryNext();
}

void Transient::OnText(const std::shared_ptr<WsLink>& link, std::string_view text) {
  ReceivedFrame frame;
  if (!sender_.Receive(text, frame)) return;
  switch (frame.type) {
    case FrameType::kWelcome:
      return OnWelcome(link, frame.payload);
    case FrameType::kGoodbye:
      return OnGoodbye(link, frame.payload);
    case FrameType::kHello:
    case FrameType::kOther:
      return;
    default:
      break;
  }
  {
    MutexLock lock(mu_);
    const bool ours = parent_ == link || (attempt_ && attempt_->link == link);
    if (!ours) return;
  }
  OnGossip(*link, frame.payload);
}

void Transient::OnWelcome(const std::shared_ptr<WsLink>& link, std::string_view payload) {
  const std::optional<Welcome> welcome = ParseWelcome(payload);
  uint64_t attempt_id = 0;
  NodeInfo parent;
  {
    MutexLock lock(mu_);
    if (stopped_ || !attempt_ || attempt_->link != link) return;
    attempt_id = attempt_->id;
    // Race guard (§6.2 step 5): the link closed meanwhile, or another attach won.
    if (welcome && link->IsOpen() && !parent_) {
      const Candidate& c = attempt_->candidate;
      parent = NodeInfo{welcome->parent_id, c.address, 0, c.http_port, options_.self.enclave};
      cached_alternatives_.clear();
      for (const NodeInfo& node : welcome->topology) {
        if (node.id == options_.self.id) continue;
        if (node.id == welcome->parent_id) parent = node;
        cached_alternatives_.push_back(node);
      }
      parent_ = link;
      parent_id_ = welcome->parent_id;
      attempt_.reset();
      attempt_timer_.reset();
      plan_.reset();
      backoff_.Reset();
      heartbeat_ = Heartbeat();
      ArmHeartbeat();
      metrics_.attached = 1;
      if (ever_attached_) metrics_.reattaches_total++;
      spdlog::info("{} to {} (depth 1)", ever_attached_ ? "Reattached" : "Attached", parent_id_);
      ever_attached_ = true;
      initial_pass_ = false;
      reattaching_ = false;
      attempt_id = 0;
    }
  }
  if (attempt_id != 0) return FailAttempt(attempt_id, "bad welcome");
  cluster_.CatchUpFromParent(parent);
}

void Transient::OnGoodbye(const std::shared_ptr<WsLink>& link, std::string_view payload) {
  std::optional<Goodbye> goodbye = ParseGoodbye(payload);
  if (!goodbye) goodbye = Goodbye{};
  uint64_t attempt_id = 0;
  std::string substrate;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    if (attempt_ && attempt_->link == link) {
      if (plan_) plan_->AddRedirectAlternatives(goodbye->alternatives);
      attempt_id = attempt_->id;
      substrate = attempt_->candidate.id;
    } else if (parent_ != link) {
      return;
    }
  }
  if (attempt_id != 0) {
    spdlog::info("Redirected by {} ({}); {} alternatives", substrate, goodbye->reason,
                 goodbye->alternatives.size());
    return FailAttempt(attempt_id, "redirected");
  }
  LoseParent(link, "goodbye: " + goodbye->reason, goodbye->alternatives);
}

void Transient::OnGossip(WsLink& link, std::string_view payload) {
  Result<SimpleMessage> msg = cluster::ParseMessage(payload);
  if (!msg.ok()) return;
  switch (cluster::TypeOf(msg->type)) {
    case cluster::MessageType::kPut:
    case cluster::MessageType::kAck:
    case cluster::MessageType::kPong:
      cluster_.HandleMessage(*msg);
      break;
    case cluster::MessageType::kPing:
      sender_.SendGossip(link, MakePong(options_.self, *msg, scheduler_.clock().WallNow()));
      break;
    case cluster::MessageType::kSync:
      cluster_.ApplyTopologySync(*msg);
      break;
    case cluster::MessageType::kOther:
      break;
  }
}

void Transient::OnPong(const std::shared_ptr<WsLink>& link) {
  MutexLock lock(mu_);
  if (parent_ == link) heartbeat_.OnPong();
}

void Transient::OnClosed(const std::shared_ptr<WsLink>& link) {
  uint64_t attempt_id = 0;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    if (attempt_ && attempt_->link == link) attempt_id = attempt_->id;
  }
  if (attempt_id != 0) return FailAttempt(attempt_id, "connection closed");
  LoseParent(link, "connection closed", {});
}

void Transient::LoseParent(const std::shared_ptr<WsLink>& link, std::string_view why,
                           const std::vector<NodeInfo>& alternatives) {
  std::unique_ptr<Scheduler::Task> heartbeat;
  std::string parent_id;
  {
    MutexLock lock(mu_);
    if (stopped_ || parent_ != link) return;
    parent_.reset();
    parent_id = std::move(parent_id_);
    parent_id_.clear();
    heartbeat = std::move(heartbeat_timer_);
    metrics_.attached = 0;
    if (reattaching_) return;
    reattaching_ = true;
  }
  spdlog::warn("Detached from parent {} ({}); reattaching", parent_id, why);
  if (link->IsOpen()) link->Close(kCloseNormal, "");
  BeginIteration(alternatives);
}

void Transient::ArmHeartbeat() {
  heartbeat_timer_ = scheduler_.After(options_.heartbeat_interval, [this] { HeartbeatTick(); });
}

void Transient::HeartbeatTick() {
  MutexLock lock(mu_);
  if (stopped_ || !parent_) return;
  if (heartbeat_.Tick() == Heartbeat::Action::kTerminate) {
    spdlog::warn("Parent {} missed 3 heartbeats; terminating the link", parent_id_);
    parent_->Terminate();  // OnClosed follows and starts the reattach loop
    return;
  }
  parent_->SendPing();
  ArmHeartbeat();
}

bool Transient::SendAck(const SimpleMessage& ack) {
  MutexLock lock(mu_);
  if (!parent_ || ack.to != parent_id_) return false;
  sender_.SendGossip(*parent_, ack);
  return true;
}

bool Transient::SendToParent(const SimpleMessage& put) {
  MutexLock lock(mu_);
  // A congested link (the parent paces our relayed PUTs) would overflow and drop its queue: the
  // write then goes over HTTP, the parent included.
  if (!parent_ || !parent_->IsOpen() || parent_->Congested()) return false;
  sender_.SendGossip(*parent_, put);
  return true;
}

}  // namespace repram::tree
