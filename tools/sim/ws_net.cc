#include "sim/ws_net.h"

#include <algorithm>
#include <array>
#include <deque>
#include <utility>

namespace repram::sim {
namespace {

// ws-tree.md §3: the outbound queue holds 1024 frames; Congested past half of it.
constexpr size_t kQueueFrames = 1024;
constexpr int kClient = 0;  // the dialer's side of a pipe; the server's is 1

}  // namespace

// One frame (or the end of the connection) on its way to a side.
struct WsNet::Item {
  enum class Kind : uint8_t { kText, kPing, kPong, kClose, kDrop };
  Kind kind = Kind::kText;
  std::string text;
};

// Both ends of one connection. A side is the state of one end as its node sees it.
struct WsNet::Pipe {
  struct Side {
    std::weak_ptr<End> end;  // held by the tree; null once nobody can hear about it
    tree::WsLinkEvents* events = nullptr;
    const std::function<void()>* observe = nullptr;  // runs after each callback to events
    size_t slot = 0;
    bool open = true;         // no close sent or received, not terminated
    bool reported = false;    // OnClosed ran, or the side's node is gone: nothing more arrives
    bool terminated = false;  // Terminate ran: OnClosed is on its way, nothing else is read
    bool paused = false;
    std::deque<Item> inbox;       // arrived while reading was paused
    int64_t last_arrival_ns = 0;  // frames to this side arrive in order
  };
  std::array<Side, 2> sides;
};

// One end of a pipe as the tree holds it.
class WsNet::End final : public tree::WsLink {
 public:
  End(WsNet& net, std::shared_ptr<Pipe> pipe, int side)
      : net_(net), pipe_(std::move(pipe)), side_(side) {}
  void SendText(std::string frame) override {
    net_.Send(pipe_, side_, Item{Item::Kind::kText, std::move(frame)});
  }
  void SendPing() override { net_.Send(pipe_, side_, Item{Item::Kind::kPing, {}}); }
  void Close(uint16_t /*code*/, std::string /*reason*/) override { net_.Close(pipe_, side_); }
  void Terminate() override { net_.Terminate(pipe_, side_); }
  bool IsOpen() const override { return pipe_->sides[static_cast<size_t>(side_)].open; }
  bool Congested() const override {
    return pipe_->sides[static_cast<size_t>(1 - side_)].inbox.size() > kQueueFrames / 2;
  }
  void PauseReading() override { pipe_->sides[static_cast<size_t>(side_)].paused = true; }
  void ResumeReading() override { net_.Resume(pipe_, side_); }

 private:
  WsNet& net_;
  const std::shared_ptr<Pipe> pipe_;
  const int side_;
};

class WsNet::Dialer final : public tree::WsDialer {
 public:
  Dialer(WsNet& net, size_t from, uint64_t epoch, std::function<void()> observe)
      : net_(net), from_(from), epoch_(epoch), observe_(std::move(observe)) {}
  void Dial(const std::string& host, uint16_t /*port*/, Duration timeout,
            tree::WsLinkEvents& events,
            std::function<void(std::shared_ptr<tree::WsLink>)> done) override {
    net_.Dial(DialRequest{.from = from_,
                          .epoch = epoch_,
                          .observe = observe_ ? &observe_ : nullptr,
                          .events = &events,
                          .done = std::move(done)},
              host, timeout);
  }

 private:
  WsNet& net_;
  const size_t from_;
  const uint64_t epoch_;
  const std::function<void()> observe_;
};

WsNet::WsNet(Network& network, EventLoop& loop, Duration close_timeout, Acceptor acceptor)
    : network_(network),
      loop_(loop),
      close_timeout_(close_timeout),
      acceptor_(std::move(acceptor)) {}

WsNet::~WsNet() = default;

std::unique_ptr<tree::WsDialer> WsNet::MakeDialer(size_t from, std::function<void()> observe) {
  return std::make_unique<Dialer>(*this, from, EpochOf(from), std::move(observe));
}

uint64_t& WsNet::EpochOf(size_t slot) {
  if (slot >= epochs_.size()) epochs_.resize(slot + 1, 0);
  return epochs_[slot];
}

std::vector<std::weak_ptr<WsNet::Pipe>>& WsNet::PipesAt(size_t slot) {
  if (slot >= pipes_by_slot_.size()) pipes_by_slot_.resize(slot + 1);
  return pipes_by_slot_[slot];
}

void WsNet::Dial(DialRequest req, const std::string& host, Duration timeout) {
  const size_t from = req.from;
  const auto fail_after = [this, &req](Duration d) {
    loop_.Post(d, [done = std::move(req.done)] { done(nullptr); });
  };
  const int64_t found = network_.SlotOf(host);
  if (found < 0) return fail_after(network_.Latency(from, from) * 2);
  const auto to = static_cast<size_t>(found);
  if (network_.state(to) == Network::State::kGone) {
    return fail_after(network_.Latency(from, to) * 2);  // refused
  }
  if (!network_.Reachable(from, to)) return fail_after(timeout);
  // TCP handshake, then the upgrade request and its 101.
  Duration setup{0};
  for (int i = 0; i < 4; ++i) setup += network_.Latency(from, to);
  if (setup > timeout) return fail_after(timeout);
  loop_.Post(setup, [this, to, req = std::move(req)] { Connect(req, to); });
}

void WsNet::Connect(const DialRequest& req, size_t to) {
  const size_t from = req.from;
  tree::WsLinkEvents* server =
      EpochOf(from) == req.epoch && network_.Reachable(from, to) ? acceptor_(to) : nullptr;
  if (server == nullptr) return req.done(nullptr);  // gone meanwhile, or no /v1/ws there (404)
  auto pipe = std::make_shared<Pipe>();
  auto client_end = std::make_shared<End>(*this, pipe, kClient);
  auto server_end = std::make_shared<End>(*this, pipe, 1 - kClient);
  pipe->sides[kClient].end = client_end;
  pipe->sides[kClient].events = req.events;
  pipe->sides[kClient].observe = req.observe;
  pipe->sides[kClient].slot = from;
  pipe->sides[1 - kClient].end = server_end;
  pipe->sides[1 - kClient].events = server;
  pipe->sides[1 - kClient].slot = to;
  for (const size_t slot : {from, to}) {
    std::vector<std::weak_ptr<Pipe>>& pipes = PipesAt(slot);
    if (pipes.size() >= 16 && pipes.size() % 16 == 0) {
      std::erase_if(pipes, [](const std::weak_ptr<Pipe>& p) { return p.expired(); });
    }
    pipes.push_back(pipe);
  }
  server->OnOpen(server_end);
  req.done(client_end);
}

void WsNet::DropSlot(size_t slot) {
  ++EpochOf(slot);
  for (const std::weak_ptr<Pipe>& weak : PipesAt(slot)) {
    const std::shared_ptr<Pipe> pipe = weak.lock();
    if (!pipe) continue;
    for (int s = 0; s < 2; ++s) {
      Pipe::Side& side = pipe->sides[static_cast<size_t>(s)];
      if (side.slot != slot || side.reported) continue;
      side.open = false;
      side.reported = true;
      side.inbox.clear();
      Pipe::Side& other = pipe->sides[static_cast<size_t>(1 - s)];
      if (other.reported) continue;
      loop_.Post(network_.Latency(slot, other.slot), [this, pipe, to = 1 - s] {
        Arrive(pipe, to, Item{Item::Kind::kDrop, {}});
      });
    }
  }
  PipesAt(slot).clear();
}

void WsNet::Send(const std::shared_ptr<Pipe>& pipe, int from, Item item) {
  Pipe::Side& self = pipe->sides[static_cast<size_t>(from)];
  Pipe::Side& peer = pipe->sides[static_cast<size_t>(1 - from)];
  const bool control = item.kind == Item::Kind::kClose || item.kind == Item::Kind::kDrop;
  if ((!self.open && !control) || peer.reported) return;
  if (item.kind == Item::Kind::kText) {
    if (peer.inbox.size() >= kQueueFrames) return Terminate(pipe, from);  // queue overflow
    ++frames_;
  }
  if (network_.group(self.slot) != network_.group(peer.slot)) return;  // across a partition
  const int64_t now = loop_.Elapsed().count();
  const int64_t arrival =
      std::max(now + network_.Latency(self.slot, peer.slot).count(), peer.last_arrival_ns);
  peer.last_arrival_ns = arrival;
  loop_.Post(Duration(arrival - now),
             [this, pipe, to = 1 - from, item = std::move(item)]() mutable {
               Arrive(pipe, to, std::move(item));
             });
}

void WsNet::Arrive(const std::shared_ptr<Pipe>& pipe, int to, Item item) {
  Pipe::Side& side = pipe->sides[static_cast<size_t>(to)];
  if (side.reported || side.terminated) return;
  if (item.kind == Item::Kind::kDrop) {  // a reset: whatever was unread is gone too
    side.open = false;
    return Report(pipe, to);
  }
  if (side.paused || !side.inbox.empty()) {
    side.inbox.push_back(std::move(item));
    return;
  }
  Handle(pipe, to, item);
}

void WsNet::Handle(const std::shared_ptr<Pipe>& pipe, int to, const Item& item) {
  Pipe::Side& side = pipe->sides[static_cast<size_t>(to)];
  const std::shared_ptr<End> end = side.end.lock();
  const bool tell = end != nullptr && side.observe != nullptr;
  switch (item.kind) {
    case Item::Kind::kText:
      if (end) side.events->OnText(end, item.text);
      break;
    case Item::Kind::kPing:
      if (side.open) Send(pipe, to, Item{Item::Kind::kPong, {}});  // answered automatically
      break;
    case Item::Kind::kPong:
      if (end) side.events->OnPong(end);
      break;
    case Item::Kind::kClose: {
      const bool was_open = side.open;
      side.open = false;
      if (was_open) Send(pipe, to, Item{Item::Kind::kClose, {}});  // the echo
      Report(pipe, to);
      break;
    }
    case Item::Kind::kDrop:
      break;  // handled on arrival
  }
  if (tell) (*side.observe)();
}

void WsNet::Drain(const std::shared_ptr<Pipe>& pipe, int to) {
  Pipe::Side& side = pipe->sides[static_cast<size_t>(to)];
  while (!side.paused && !side.reported && !side.terminated && !side.inbox.empty()) {
    const Item item = std::move(side.inbox.front());
    side.inbox.pop_front();
    Handle(pipe, to, item);
  }
}

void WsNet::Report(const std::shared_ptr<Pipe>& pipe, int to) {
  Pipe::Side& side = pipe->sides[static_cast<size_t>(to)];
  if (side.reported) return;
  side.reported = true;
  side.paused = false;
  side.inbox.clear();
  if (const std::shared_ptr<End> end = side.end.lock()) {
    side.events->OnClosed(end);
    if (side.observe != nullptr) (*side.observe)();
  }
}

void WsNet::Close(const std::shared_ptr<Pipe>& pipe, int side) {
  Pipe::Side& self = pipe->sides[static_cast<size_t>(side)];
  if (!self.open) return;
  self.open = false;
  Send(pipe, side, Item{Item::Kind::kClose, {}});
  Resume(pipe, side);
  // A peer that never echoes (gone, or across a partition): the close handshake times out.
  loop_.Post(close_timeout_, [this, pipe, side] { Report(pipe, side); });
}

void WsNet::Terminate(const std::shared_ptr<Pipe>& pipe, int side) {
  Pipe::Side& self = pipe->sides[static_cast<size_t>(side)];
  if (self.reported || self.terminated) return;
  self.open = false;
  self.terminated = true;
  self.inbox.clear();
  Send(pipe, side, Item{Item::Kind::kDrop, {}});
  loop_.Post(Duration(0), [this, pipe, side] { Report(pipe, side); });
}

void WsNet::Resume(const std::shared_ptr<Pipe>& pipe, int side) {
  Pipe::Side& self = pipe->sides[static_cast<size_t>(side)];
  if (!self.paused) return;
  self.paused = false;
  if (!self.inbox.empty()) loop_.Post(Duration(0), [this, pipe, side] { Drain(pipe, side); });
}

}  // namespace repram::sim
