#include "cluster/batch_sender.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/hmac.h"
#include "cluster/testing/fake_transport.h"
#include "util/fake_clock.h"

namespace repram::cluster {
namespace {

using testing::FakeTransport;
using Mode = BatchSender::Mode;

class BatchSenderTest : public ::testing::Test {
 protected:
  // Returns the default options with one field changed by the caller.
  static BatchSender::Options With(const std::function<void(BatchSender::Options&)>& change) {
    BatchSender::Options options;
    change(options);
    return options;
  }
  void Make(BatchSender::Options options = {}) {
    sender_ =
        std::make_unique<BatchSender>(std::move(options), transport_, clock_, metrics_, guard_);
  }
  static NodeInfo Peer(const std::string& id = "b") {
    return NodeInfo{.id = id, .address = "127.0.0.2", .gossip_port = 9090, .http_port = 8080};
  }
  // Sends message n (type PUT unless given) to peer; its outcome lands in outcomes_[n].
  void Send(int n, const NodeInfo& peer = Peer(), MessageType type = MessageType::kPut,
            bool full = true) {
    if (outcomes_.size() <= static_cast<size_t>(n)) outcomes_.resize(n + 1);
    sender_->Send(peer, BatchSender::Item{.type = type,
                                          .body = SharedBytes("{\"n\":" + std::to_string(n) + "}"),
                                          .fanout_full = full,
                                          .done = [this, n](bool ok) { outcomes_[n] = ok; }});
  }
  std::vector<OutboundRequest> Requests(std::string_view path) {
    std::vector<OutboundRequest> out;
    for (const OutboundRequest& req : transport_.requests()) {
      if (req.path == path) out.push_back(req);
    }
    return out;
  }
  // Answers a batch with 404 and single messages with 200, like an upstream node.
  void BeUpstream() {
    transport_.SetResponder([](const OutboundRequest& req) {
      return req.path == kGossipBatchPath ? FakeTransport::Answer(404, "404 page not found\n")
                                          : FakeTransport::Answer(200);
    });
  }

  FakeClock clock_;
  FakeTransport transport_;
  ClusterMetrics metrics_;
  CallbackGuard guard_;
  std::unique_ptr<BatchSender> sender_;
  std::vector<std::optional<bool>> outcomes_;
};

TEST_F(BatchSenderTest, ALoneMessageLeavesAtOnceAsABatchOfOne) {
  Make();
  Send(0);
  const std::vector<OutboundRequest> sent = Requests(kGossipBatchPath);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].body.view(), "{\"n\":0}");
  EXPECT_EQ(FakeTransport::Header(sent[0], kFanoutHeader), "full");
  EXPECT_EQ(FakeTransport::Header(sent[0], "Content-Type"), kBatchContentType);
  EXPECT_EQ(outcomes_[0], true);
  EXPECT_EQ(sender_->ModeOf(Peer()), Mode::kBatch);
}

TEST_F(BatchSenderTest, MessagesSentWhileABatchIsInFlightLeaveTogetherWhenItIsAnswered) {
  Make();
  transport_.Hold(true);
  Send(0);
  Send(1, Peer(), MessageType::kAck);
  Send(2);
  Send(3);
  EXPECT_EQ(Requests(kGossipBatchPath).size(), 1u);  // one batch in flight per peer
  EXPECT_EQ(transport_.ReleaseHeld(), 1u);
  const std::vector<OutboundRequest> sent = Requests(kGossipBatchPath);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].body.view(), "{\"n\":1}\n{\"n\":2}\n{\"n\":3}");
  EXPECT_EQ(outcomes_[0], true);
  EXPECT_FALSE(outcomes_[1].has_value());
  transport_.ReleaseHeld();
  for (int n = 1; n < 4; ++n) EXPECT_EQ(outcomes_[n], true) << n;
  EXPECT_EQ(metrics_.batches_sent_total.load(), 2u);
  EXPECT_EQ(metrics_.batch_messages_sent_total.load(), 4u);
}

TEST_F(BatchSenderTest, BatchesRespectTheMessageAndByteCapsAndOneFanoutHeader) {
  Make(With([](auto& o) {
    o.batch_messages = 2;
    o.batch_bytes = 20;
  }));  // "{"n":k}" is 7 bytes (+1 separator)
  transport_.Hold(true);
  Send(0);
  for (int n = 1; n <= 6; ++n) Send(n, Peer(), MessageType::kPut, /*full=*/n < 6);
  std::vector<std::string> bodies;
  while (transport_.ReleaseHeld() > 0) {
  }
  for (const OutboundRequest& req : Requests(kGossipBatchPath)) {
    bodies.emplace_back(req.body.view());
  }
  const std::vector<std::string> expected = {"{\"n\":0}", "{\"n\":1}\n{\"n\":2}",
                                             "{\"n\":3}\n{\"n\":4}", "{\"n\":5}", "{\"n\":6}"};
  EXPECT_EQ(bodies, expected);  // 5 and 6 differ in fanout, so they travel apart
  EXPECT_EQ(FakeTransport::Header(Requests(kGossipBatchPath).back(), kFanoutHeader), "");
}

TEST_F(BatchSenderTest, ABatchIsSignedOverItsWholeBody) {
  Make(With([](auto& o) { o.secret = "test-cluster-secret"; }));
  transport_.Hold(true);
  Send(0);
  Send(1);
  Send(2);
  transport_.ReleaseHeld();
  for (const OutboundRequest& req : Requests(kGossipBatchPath)) {
    EXPECT_EQ(FakeTransport::Header(req, kSignatureHeader),
              SignBody("test-cluster-secret", req.body));
  }
}

TEST_F(BatchSenderTest, FailedIndexesInTheAnswerFailOnlyThoseMessages) {
  Make();
  transport_.Hold(true);
  Send(0);
  Send(1);
  Send(2);
  Send(3);
  transport_.SetResponder([](const OutboundRequest&) {
    return FakeTransport::Answer(
        200, "{\"success\":true,\"failed\":[{\"index\":1,\"error\":\"Invalid JSON\"}]}\n");
  });
  transport_.ReleaseHeld();  // the first batch (n=0) answered plainly
  transport_.ReleaseHeld();  // the second (n=1..3): its index 1 is n=2
  EXPECT_EQ(outcomes_[0], true);
  EXPECT_EQ(outcomes_[1], true);
  EXPECT_EQ(outcomes_[2], false);
  EXPECT_EQ(outcomes_[3], true);
}

TEST_F(BatchSenderTest, A404MakesThePeerSingleForeverAndResendsWhatTheProbeCarried) {
  Make();
  BeUpstream();
  transport_.Hold(true);
  Send(0);
  Send(1);  // queued behind the probe
  transport_.ReleaseHeld();
  EXPECT_EQ(sender_->ModeOf(Peer()), Mode::kSingle);
  Send(2);
  Send(3);
  transport_.ReleaseHeld();
  EXPECT_EQ(Requests(kGossipBatchPath).size(), 1u);  // only the probe
  const std::vector<OutboundRequest> singles = Requests(kGossipPath);
  ASSERT_EQ(singles.size(), 4u);
  for (int n = 0; n < 4; ++n) {
    EXPECT_EQ(singles[n].body.view(), "{\"n\":" + std::to_string(n) + "}");
    EXPECT_EQ(FakeTransport::Header(singles[n], "Content-Type"), "application/json");
    EXPECT_EQ(FakeTransport::Header(singles[n], kFanoutHeader), "full");
    EXPECT_EQ(outcomes_[n], true) << n;
  }
  EXPECT_EQ(metrics_.batch_fallbacks_total.load(), 1u);
}

TEST_F(BatchSenderTest, ARestartedPeerIsProbedAgain) {
  Make();
  BeUpstream();
  Send(0);
  Send(1);
  ASSERT_EQ(sender_->ModeOf(Peer()), Mode::kSingle);
  transport_.SetResponder({});   // now a C++ node answers at that address
  Send(2, Peer("b-restarted"));  // new id at the same address: probed
  EXPECT_EQ(sender_->ModeOf(Peer("b-restarted")), Mode::kBatch);
  EXPECT_EQ(Requests(kGossipBatchPath).size(), 2u);

  // Same id, but the connection was lost and an upstream build came back.
  transport_.SetResponder([](const OutboundRequest&) { return FakeTransport::Answer(0); });
  Send(3, Peer("b-restarted"));
  EXPECT_EQ(outcomes_[3], false);
  EXPECT_EQ(sender_->ModeOf(Peer("b-restarted")), Mode::kUnknown);
  BeUpstream();
  Send(4, Peer("b-restarted"));
  EXPECT_EQ(sender_->ModeOf(Peer("b-restarted")), Mode::kSingle);
  EXPECT_EQ(outcomes_[4], true);
}

TEST_F(BatchSenderTest, AConnectionLossOfASinglePeerProbesItAgain) {
  Make();
  BeUpstream();
  Send(0);
  ASSERT_EQ(sender_->ModeOf(Peer()), Mode::kSingle);
  transport_.SetResponder([](const OutboundRequest&) { return FakeTransport::Answer(0); });
  Send(1);
  EXPECT_EQ(outcomes_[1], false);
  transport_.SetResponder({});  // upgraded to a C++ node meanwhile
  Send(2);
  EXPECT_EQ(sender_->ModeOf(Peer()), Mode::kBatch);
}

TEST_F(BatchSenderTest, ForgetFailsTheQueueAndProbesAgain) {
  Make();
  BeUpstream();
  Send(0);
  ASSERT_EQ(sender_->ModeOf(Peer()), Mode::kSingle);
  transport_.SetResponder({});
  transport_.Hold(true);
  sender_->Forget(Peer());
  Send(1);                  // probe, in flight
  Send(2);                  // queued
  sender_->Forget(Peer());  // evicted
  EXPECT_EQ(outcomes_[2], false);
  transport_.ReleaseHeld();
  EXPECT_EQ(outcomes_[1], true);  // the batch in flight still completes
  Send(3);                        // a fresh probe
  EXPECT_EQ(Requests(kGossipBatchPath).size(), 3u);
  transport_.ReleaseHeld();
  EXPECT_EQ(sender_->ModeOf(Peer()), Mode::kBatch);
}

TEST_F(BatchSenderTest, AFullQueueDropsNewMessages) {
  Make(With([](auto& o) { o.queue_messages = 2; }));
  transport_.Hold(true);
  Send(0);  // in flight
  Send(1);
  Send(2);
  Send(3);  // over the cap
  EXPECT_EQ(outcomes_[3], false);
  EXPECT_FALSE(outcomes_[2].has_value());
}

TEST_F(BatchSenderTest, AQueueAtItsByteCapDropsNewMessages) {
  Make(With([](auto& o) { o.queue_bytes = 16; }));
  transport_.Hold(true);
  Send(0);
  Send(1);
  Send(2);  // 7 + 7 bytes fit
  Send(3);  // 21 would not
  EXPECT_EQ(outcomes_[3], false);
}

TEST_F(BatchSenderTest, CongestedWhileTheQueueIsOverHalfAndThePeerStillAnswers) {
  Make(With([](auto& o) { o.queue_messages = 4; }));
  Send(0);  // answered at once: the peer answers
  transport_.Hold(true);
  Send(1);  // in flight
  Send(2);
  Send(3);
  EXPECT_FALSE(sender_->Congested(Peer()));  // 2 queued: half, not over
  Send(4);
  EXPECT_TRUE(sender_->Congested(Peer()));
  clock_.Advance(std::chrono::seconds(2));  // no answer for 2 s: stalled, not congested
  EXPECT_FALSE(sender_->Congested(Peer()));
  transport_.Hold(false);
  transport_.ReleaseHeld();
  EXPECT_FALSE(sender_->Congested(Peer()));
}

TEST_F(BatchSenderTest, CorkedMessagesLeaveTogetherWhenTheCorkEnds) {
  Make();
  {
    BatchSender::Cork cork(*sender_);
    {
      BatchSender::Cork inner(*sender_);
      Send(0);
    }
    Send(1, Peer(), MessageType::kAck);
    Send(2, Peer(), MessageType::kAck);
    EXPECT_TRUE(transport_.requests().empty());
  }
  const std::vector<OutboundRequest> sent = Requests(kGossipBatchPath);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].body.view(), "{\"n\":0}\n{\"n\":1}\n{\"n\":2}");
}

TEST_F(BatchSenderTest, NothingRunsAfterTheGuardClosed) {
  Make();
  transport_.Hold(true);
  Send(0);
  Send(1);
  guard_.Close();
  transport_.ReleaseHeld();
  EXPECT_FALSE(outcomes_[0].has_value());
  EXPECT_EQ(Requests(kGossipBatchPath).size(), 1u);
}

}  // namespace
}  // namespace repram::cluster
