#include "cluster/testing/fake_transport.h"

#include <utility>

namespace repram::cluster::testing {

void FakeTransport::Post(OutboundRequest req, std::function<void(TransportResult)> done) {
  Responder responder;
  {
    MutexLock lock(mu_);
    requests_.push_back(req);
    responder = responder_;
  }
  TransportResult result = responder ? responder(req) : Answer(200);
  {
    MutexLock lock(mu_);
    if (hold_) {
      held_.push_back(Held{std::move(result), std::move(done)});
      return;
    }
  }
  done(std::move(result));
}

void FakeTransport::SetResponder(Responder responder) {
  MutexLock lock(mu_);
  responder_ = std::move(responder);
}

void FakeTransport::Hold(bool hold) {
  MutexLock lock(mu_);
  hold_ = hold;
}

size_t FakeTransport::ReleaseHeld() {
  std::vector<Held> held;
  {
    MutexLock lock(mu_);
    held.swap(held_);
  }
  for (Held& h : held) h.done(std::move(h.result));
  return held.size();
}

void FakeTransport::ReleaseAt(size_t index) {
  Held one;
  {
    MutexLock lock(mu_);
    one = std::move(held_[index]);
    held_.erase(held_.begin() + static_cast<std::ptrdiff_t>(index));
  }
  one.done(std::move(one.result));
}

size_t FakeTransport::held() const {
  MutexLock lock(mu_);
  return held_.size();
}

std::vector<OutboundRequest> FakeTransport::requests() const {
  MutexLock lock(mu_);
  return requests_;
}

std::vector<SimpleMessage> FakeTransport::messages(std::string_view type) const {
  std::vector<SimpleMessage> out;
  for (const OutboundRequest& req : requests()) {
    if (req.path != kGossipPath) continue;
    Result<SimpleMessage> msg = ParseMessage(req.body);
    if (msg.ok() && (type.empty() || msg->type == type)) out.push_back(*msg);
  }
  return out;
}

void FakeTransport::Clear() {
  MutexLock lock(mu_);
  requests_.clear();
}

std::string FakeTransport::Header(const OutboundRequest& req, std::string_view name) {
  for (const auto& [key, value] : HeadersOf(req)) {
    if (key == name) return value;
  }
  return "";
}

TransportResult FakeTransport::Answer(int status, std::string body) {
  TransportResult result;
  result.status = status;
  result.transport_error = status == 0;
  result.body = status == 0 ? "" : std::move(body);
  return result;
}

}  // namespace repram::cluster::testing
