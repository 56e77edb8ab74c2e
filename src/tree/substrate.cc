#include "tree/substrate.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "tree/lifecycle.h"

namespace repram::tree {

using cluster::NodeInfo;
using cluster::SimpleMessage;

Substrate::Substrate(TreeOptions options, TreeClusterPort& cluster, Scheduler& scheduler,
                     TreeMetrics& metrics)
    : options_(std::move(options)),
      cluster_(cluster),
      scheduler_(scheduler),
      metrics_(metrics),
      sender_(options_.secret, metrics),
      ack_routes_(options_.write_timeout, options_.max_ack_routes) {}

Substrate::~Substrate() = default;

void Substrate::Shutdown(Duration grace) {
  const std::string goodbye = EncodeGoodbye(
      Goodbye{"shutdown", SelectAlternatives(cluster_.Peers(), options_.self.enclave, "")});
  std::vector<std::shared_ptr<WsLink>> children;
  std::vector<std::shared_ptr<WsLink>> all;
  {
    MutexLock lock(mu_);
    stopping_ = true;
    for (auto& [raw, state] : links_) {
      if (!state.child_id.empty()) children.push_back(state.link);
      all.push_back(state.link);
    }
  }
  for (const auto& link : children) sender_.Send(*link, FrameType::kGoodbye, goodbye);
  if (!children.empty()) std::this_thread::sleep_for(grace);
  for (const auto& link : all) link->Close(kCloseGoingAway, "server shutting down");
  std::map<WsLink*, LinkState> states;
  {
    MutexLock lock(mu_);
    states.swap(links_);
    children_ = ChildRegistry();
    metrics_.children = 0;
  }
  // The timers are cancelled when `states` goes, outside the lock.
}

std::vector<ChildRegistry::Child> Substrate::Children() const {
  MutexLock lock(mu_);
  return children_.All();
}

void Substrate::OnOpen(const std::shared_ptr<WsLink>& link) {
  MutexLock lock(mu_);
  if (stopping_) {
    link->Close(kCloseGoingAway, "server shutting down");
    return;
  }
  LinkState& state = links_[link.get()];
  state.link = link;
  state.timer = scheduler_.After(options_.hello_deadline, [this, raw = link.get()] {
    MutexLock timer_lock(mu_);
    const auto it = links_.find(raw);
    if (it == links_.end() || !it->second.child_id.empty()) return;
    spdlog::info("WS connection sent no hello within {} s; closing",
                 std::chrono::duration_cast<std::chrono::seconds>(options_.hello_deadline).count());
    it->second.link->Close(kCloseProtocolError, "no hello");
  });
}

void Substrate::OnText(const std::shared_ptr<WsLink>& link, std::string_view text) {
  ReceivedFrame frame;
  if (!sender_.Receive(text, frame)) return;
  std::string child_id;
  {
    MutexLock lock(mu_);
    const auto it = links_.find(link.get());
    if (it == links_.end()) return;
    child_id = it->second.child_id;
  }
  if (child_id.empty()) {
    if (frame.type == FrameType::kHello) OnHello(link, frame.payload);
    return;  // gossip before the hello is ignored (§6.1 step 1)
  }
  OnChildGossip(link, child_id, frame.payload);
}

void Substrate::OnHello(const std::shared_ptr<WsLink>& link, std::string_view payload) {
  const std::optional<Hello> hello = ParseHello(payload);
  if (!hello) {
    link->Close(kCloseUnsupported, "bad hello");
    return;
  }
  if (hello->node_id == options_.self.id) {
    link->Close(kClosePolicy, "self attach");
    return;
  }
  std::vector<NodeInfo> peers = cluster_.Peers();
  MutexLock lock(mu_);
  const auto it = links_.find(link.get());
  if (it == links_.end() || stopping_) return;
  LinkState& state = it->second;
  if (children_.AtCapacity(options_.max_children)) {
    lock.Unlock();
    spdlog::info("Redirecting WS child {} (at capacity: {} children)", hello->node_id,
                 options_.max_children);
    const std::string goodbye = EncodeGoodbye(Goodbye{
        "at capacity", SelectAlternatives(std::move(peers), hello->enclave, hello->node_id)});
    sender_.Send(*link, FrameType::kGoodbye, goodbye);
    lock.Lock();
    const auto again = links_.find(link.get());
    if (again == links_.end()) return;
    again->second.timer = scheduler_.After(options_.redirect_close_delay, [link] {
      if (link->IsOpen()) link->Close(kCloseNormal, "redirected");
    });
    return;
  }
  state.child_id = hello->node_id;
  state.enclave = hello->enclave;
  if (std::shared_ptr<WsLink> replaced = children_.Register(hello->node_id, hello->enclave, link)) {
    if (const auto old = links_.find(replaced.get()); old != links_.end()) {
      old->second.child_id.clear();
    }
    replaced->Close(kCloseNormal, "replaced");
    spdlog::info("WS child {} reconnected; replacing its older connection", hello->node_id);
  }
  metrics_.children = static_cast<int64_t>(children_.size());
  ArmHeartbeat(state);
  const WallTime now = scheduler_.clock().WallNow();
  const int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  sender_.Send(*link, FrameType::kWelcome, EncodeWelcome(peers, options_.self, now_s));
  spdlog::info("WS child attached: {} (enclave {}, address {}:{}, {} children)", hello->node_id,
               hello->enclave, hello->address, hello->http_port, children_.size());
}

void Substrate::OnChildGossip(const std::shared_ptr<WsLink>& link, const std::string& child_id,
                              std::string_view payload) {
  Result<SimpleMessage> msg = cluster::ParseMessage(payload);
  if (!msg.ok()) {
    spdlog::debug("WS gossip from {} ignored: {}", child_id, msg.status().message());
    return;
  }
  switch (cluster::TypeOf(msg->type)) {
    case cluster::MessageType::kPut:
      OnChildPut(link, child_id, *msg);
      break;
    case cluster::MessageType::kAck:
    case cluster::MessageType::kPong:
      cluster_.HandleMessage(*msg);
      break;
    case cluster::MessageType::kPing:
      sender_.SendGossip(*link, MakePong(options_.self, *msg, scheduler_.clock().WallNow()));
      break;
    case cluster::MessageType::kSync:
      cluster_.ApplyTopologySync(*msg);
      break;
    case cluster::MessageType::kOther:
      break;
  }
}

void Substrate::OnChildPut(const std::shared_ptr<WsLink>& link, const std::string& child_id,
                           const SimpleMessage& put) {
  {
    MutexLock lock(mu_);
    if (!put.message_id.empty()) {
      ack_routes_.Add(put.message_id, link, scheduler_.clock().Now());
    }
  }
  if (!Relay(link, put)) return;
  SimpleMessage ack;
  ack.type = "ACK";
  ack.from = options_.self.id;
  ack.to = put.from;
  ack.key = put.key;
  const WallTime now = scheduler_.clock().WallNow();
  ack.timestamp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  ack.message_id = put.message_id;
  sender_.SendGossip(*link, ack);
  std::vector<std::shared_ptr<WsLink>> siblings;
  {
    MutexLock lock(mu_);
    const auto it = links_.find(link.get());
    const std::string enclave = it != links_.end() ? it->second.enclave : options_.self.enclave;
    siblings = children_.InEnclave(enclave, child_id);
  }
  if (siblings.empty()) return;
  const std::string frame =
      sender_.Encode(FrameType::kPut, cluster::EncodeMessage(put), siblings.size());
  for (const auto& sibling : siblings) sibling->SendText(frame);
}

bool Substrate::Relay(const std::shared_ptr<WsLink>& link, const SimpleMessage& put) {
  // The mesh sends share one body: the PUT's fields plus the envelope's.
  constexpr size_t kOverhead = 256;
  auto charge = std::make_shared<RelayCharge>();
  charge->bytes = put.key.size() + put.data.size() + put.message_id.size() + kOverhead;
  {
    MutexLock lock(mu_);
    const auto it = links_.find(link.get());
    if (it == links_.end()) return false;
    relay_bytes_ += charge->bytes;
    ++it->second.relay_messages;
    it->second.relay_bytes += charge->bytes;
  }
  const cluster::ClusterNode::RelayResult result =
      cluster_.RelayChildPut(put, [this, link, charge] { OnRelaySent(link, *charge); });
  MutexLock lock(mu_);
  const auto it = links_.find(link.get());
  if (it == links_.end() || charge->done) {
    return result.outcome == cluster::ClusterNode::RelayOutcome::kStored;
  }
  LinkState& state = it->second;
  const bool drain_first = result.congested || relay_bytes_ >= options_.relay_total_bytes;
  if (!state.paused && (drain_first || state.relay_messages >= options_.relay_window_messages ||
                        state.relay_bytes >= options_.relay_window_bytes)) {
    state.paused = true;
    state.drain_first = drain_first;
    ++metrics_.relay_pauses_total;
    link->PauseReading();
  } else if (state.paused) {
    state.drain_first = state.drain_first || drain_first;
  }
  return result.outcome == cluster::ClusterNode::RelayOutcome::kStored;
}

void Substrate::OnRelaySent(const std::shared_ptr<WsLink>& link, RelayCharge& charge) {
  MutexLock lock(mu_);
  charge.done = true;
  relay_bytes_ -= charge.bytes;
  const auto it = links_.find(link.get());
  if (it == links_.end()) return;
  LinkState& state = it->second;
  --state.relay_messages;
  state.relay_bytes -= charge.bytes;
  if (!state.paused) return;
  const bool below_half = state.relay_messages <= options_.relay_window_messages / 2 &&
                          state.relay_bytes <= options_.relay_window_bytes / 2;
  if (state.relay_messages == 0 || (below_half && !state.drain_first)) {
    state.paused = false;
    state.drain_first = false;
    link->ResumeReading();
  }
}

void Substrate::OnPong(const std::shared_ptr<WsLink>& link) {
  MutexLock lock(mu_);
  if (const auto it = links_.find(link.get()); it != links_.end()) it->second.heartbeat.OnPong();
}

void Substrate::OnClosed(const std::shared_ptr<WsLink>& link) {
  std::unique_ptr<Scheduler::Task> timer;
  std::string child_id;
  {
    MutexLock lock(mu_);
    const auto it = links_.find(link.get());
    if (it == links_.end()) return;
    timer = std::move(it->second.timer);
    child_id = it->second.child_id;
    links_.erase(it);
    if (!child_id.empty() && children_.Remove(child_id, link.get())) {
      metrics_.children = static_cast<int64_t>(children_.size());
    }
  }
  if (!child_id.empty()) spdlog::info("WS child detached: {}", child_id);
}

void Substrate::ArmHeartbeat(LinkState& state) {
  state.timer = scheduler_.After(options_.heartbeat_interval,
                                 [this, raw = state.link.get()] { HeartbeatTick(raw); });
}

void Substrate::HeartbeatTick(WsLink* raw) {
  MutexLock lock(mu_);
  const auto it = links_.find(raw);
  if (it == links_.end()) return;
  LinkState& state = it->second;
  if (state.heartbeat.Tick() == Heartbeat::Action::kTerminate) {
    spdlog::info("WS child {} missed 3 heartbeats; terminating", state.child_id);
    state.link->Terminate();
    return;
  }
  state.link->SendPing();
  ArmHeartbeat(state);
}

bool Substrate::SendAck(const SimpleMessage& ack) {
  std::shared_ptr<WsLink> link;
  {
    MutexLock lock(mu_);
    const ChildRegistry::Child* child = children_.Find(ack.to);
    if (child == nullptr) return false;
    link = child->link;
  }
  sender_.SendGossip(*link, ack);
  return true;
}

bool Substrate::RouteAck(const SimpleMessage& ack) {
  std::shared_ptr<WsLink> link;
  {
    MutexLock lock(mu_);
    link = ack_routes_.Find(ack.message_id, scheduler_.clock().Now());
  }
  if (!link) return false;
  sender_.SendGossip(*link, ack);
  return true;
}

void Substrate::PushToChildren(const SimpleMessage& put) {
  std::vector<std::shared_ptr<WsLink>> targets;
  {
    MutexLock lock(mu_);
    targets = children_.InEnclave(options_.self.enclave, put.from);
  }
  if (targets.empty()) return;
  // One encoding (and signature) for every child.
  const std::string frame =
      sender_.Encode(FrameType::kPut, cluster::EncodeMessage(put), targets.size());
  for (const auto& link : targets) link->SendText(frame);
}

}  // namespace repram::tree
