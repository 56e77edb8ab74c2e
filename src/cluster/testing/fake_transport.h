#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/message.h"
#include "cluster/transport.h"
#include "util/mutex.h"

namespace repram::cluster::testing {

// A Transport for single-node tests: records every request and answers it with a scripted
// responder (default: 200 `{"success":true}`), synchronously inside Post, or later when held.
// Thread-safe; callbacks run without the internal lock.
class FakeTransport final : public Transport {
 public:
  using Responder = std::function<TransportResult(const OutboundRequest&)>;

  void Post(OutboundRequest req, std::function<void(TransportResult)> done) override;

  // Replaces the responder used for requests posted from now on.
  void SetResponder(Responder responder);
  // Makes Congested() report every peer as congested (or none).
  void SetCongested(bool congested) { congested_ = congested; }
  // Runs probe inside every Congested() call (to test what the caller holds meanwhile).
  // REQUIRES: set before the transport is used.
  void SetCongestedProbe(std::function<void()> probe) { congested_probe_ = std::move(probe); }
  bool Congested(const std::string&, uint16_t) const override {
    if (congested_probe_) congested_probe_();
    return congested_;
  }
  // While held, completions are queued instead of run; ReleaseHeld runs them in order.
  void Hold(bool hold);
  // Runs every queued completion; returns how many ran.
  size_t ReleaseHeld();
  // Runs only the queued completion at index (0 = oldest). REQUIRES: index < held().
  void ReleaseAt(size_t index);
  // Returns how many completions are queued.
  size_t held() const;

  // Returns every request posted so far, in order.
  std::vector<OutboundRequest> requests() const;
  // Returns the gossip messages posted so far (parsed), optionally only of one wire type.
  std::vector<SimpleMessage> messages(std::string_view type = {}) const;
  // Forgets the recorded requests.
  void Clear();

  // Returns the value of header `name` in req, or "" when absent.
  static std::string Header(const OutboundRequest& req, std::string_view name);
  // Returns an answer with the given status (0 = transport error) and body.
  static TransportResult Answer(int status, std::string body = "{\"success\":true}\n");

 private:
  struct Held {
    TransportResult result;
    std::function<void(TransportResult)> done;
  };

  mutable Mutex mu_;
  Responder responder_ GUARDED_BY(mu_);
  bool hold_ GUARDED_BY(mu_) = false;
  std::atomic<bool> congested_{false};
  std::function<void()> congested_probe_;
  std::vector<Held> held_ GUARDED_BY(mu_);
  std::vector<OutboundRequest> requests_ GUARDED_BY(mu_);
};

}  // namespace repram::cluster::testing
