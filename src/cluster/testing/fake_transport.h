#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/message.h"
#include "cluster/transport.h"

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
  bool Congested(const std::string&, uint16_t) const override { return congested_; }
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

  mutable std::mutex mu_;
  Responder responder_;
  bool hold_ = false;
  std::atomic<bool> congested_{false};
  std::vector<Held> held_;
  std::vector<OutboundRequest> requests_;
};

}  // namespace repram::cluster::testing
