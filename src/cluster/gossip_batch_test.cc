#include "cluster/gossip_batch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cluster/cluster_node.h"
#include "cluster/hmac.h"
#include "cluster/testing/cluster_node_fixture.h"

namespace repram::cluster {
namespace {

SimpleMessage Put(const std::string& from, const std::string& key, const std::string& id) {
  SimpleMessage put;
  put.type = "PUT";
  put.from = from;
  put.key = key;
  put.data = "value-" + key;
  put.ttl = 600;
  put.timestamp = 1700000000;
  put.message_id = id;
  return put;
}

TEST(GossipBatchCodecTest, JoinedMessagesSplitAndParseBackUnchanged) {
  const std::vector<SimpleMessage> sent = {Put("a", "k1", "a-1"), Put("a", "k\n2", "a-2"),
                                           Put("b", "k3", "b-3")};
  std::vector<SharedBytes> bodies;
  for (const SimpleMessage& m : sent) bodies.emplace_back(EncodeMessage(m));
  const SharedBytes batch = JoinBatch(bodies);
  Result<std::vector<std::string_view>> lines = SplitBatch(batch.view());
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 3u);
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ((*lines)[i], bodies[i].view());
    Result<SimpleMessage> back = ParseMessage((*lines)[i]);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->key, sent[i].key);  // a newline inside a value is escaped, never a separator
    EXPECT_EQ(back->message_id, sent[i].message_id);
  }
}

TEST(GossipBatchCodecTest, ABatchOfOneSharesTheMessageBody) {
  const std::vector<SharedBytes> bodies = {SharedBytes(EncodeMessage(Put("a", "k", "a-1")))};
  EXPECT_EQ(JoinBatch(bodies).data(), bodies[0].data());  // no copy
}

TEST(GossipBatchCodecTest, FinalNewlineIsOptionalAndEmptyLinesCountAsMessages) {
  EXPECT_EQ(SplitBatch("").value().size(), 0u);
  EXPECT_EQ(SplitBatch("{}\n").value().size(), 1u);
  const std::vector<std::string_view> lines = SplitBatch("{}\n\n{}").value();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "");
}

TEST(GossipBatchCodecTest, MoreThanTheMessageCapIsRefused) {
  std::string body;
  for (size_t i = 0; i < kMaxBatchMessages; ++i) body += "{}\n";
  EXPECT_EQ(SplitBatch(body).value().size(), kMaxBatchMessages);
  body += "{}";
  EXPECT_FALSE(SplitBatch(body).ok());
}

TEST(GossipBatchCodecTest, ReplyListsOnlyFailedIndexes) {
  EXPECT_EQ(EncodeBatchReply({}), "{\"success\":true}\n");
  EXPECT_TRUE(ParseBatchReply("{\"success\":true}\n").empty());
  const std::vector<BatchFailure> failures = {
      {.index = 1, .reply = PeerReply{PeerOutcome::kInvalidJson}},
      {.index = 3, .reply = PeerReply{PeerOutcome::kInvalidMessage, "bad key"}}};
  const std::string reply = EncodeBatchReply(failures);
  EXPECT_EQ(reply,
            "{\"success\":true,\"failed\":[{\"index\":1,\"error\":\"Invalid JSON\"},"
            "{\"index\":3,\"error\":\"Invalid message: bad key\"}]}\n");
  EXPECT_EQ(ParseBatchReply(reply), (std::vector<size_t>{1, 3}));
  EXPECT_TRUE(ParseBatchReply("").empty());
  EXPECT_TRUE(ParseBatchReply("not json").empty());
}

class BatchHandlerTest : public testing::ClusterNodeFixture {
 protected:
  SimpleMessage PutFrom(const std::string& from, const std::string& key) {
    SimpleMessage put = Msg("PUT", from);
    put.key = key;
    put.data = "value-" + key;
    put.ttl = 600;
    return put;
  }
  static std::string Join(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& line : lines) out += line + "\n";
    return out;
  }
  PeerReply Batch(const std::string& body) {
    return node_->HandleGossipBatch(body, secret_.empty() ? "" : SignBody(secret_, body), false);
  }
  // Returns the requests sent to the batch endpoint.
  std::vector<OutboundRequest> BatchRequests() {
    std::vector<OutboundRequest> out;
    for (const OutboundRequest& req : transport_.requests()) {
      if (req.path == kGossipBatchPath) out.push_back(req);
    }
    return out;
  }
};

TEST_F(BatchHandlerTest, EveryPutOfABatchIsStored) {
  MakeNode();
  const PeerReply reply =
      Batch(Join({EncodeMessage(PutFrom("a", "k1")), EncodeMessage(PutFrom("a", "k2")),
                  EncodeMessage(PutFrom("b", "k3"))}));
  EXPECT_EQ(reply.outcome, PeerOutcome::kDocument);
  EXPECT_EQ(reply.detail, "{\"success\":true}\n");
  for (const char* key : {"k1", "k2", "k3"}) EXPECT_TRUE(store_.Get(key)) << key;
  EXPECT_EQ(node_->metrics().batches_received_total.load(), 1u);
  EXPECT_EQ(node_->metrics().batch_messages_received_total.load(), 3u);
}

TEST_F(BatchHandlerTest, ABadMessageRejectsOnlyItself) {
  MakeNode();
  SimpleMessage bad_key = PutFrom("a", "has/slash");
  SimpleMessage no_id = PutFrom("a", "k4");
  no_id.message_id.clear();
  const PeerReply reply =
      Batch(Join({EncodeMessage(PutFrom("a", "k1")), "{not json", EncodeMessage(bad_key),
                  EncodeMessage(no_id), EncodeMessage(PutFrom("a", "k5"))}));
  ASSERT_EQ(reply.outcome, PeerOutcome::kDocument);
  EXPECT_EQ(ParseBatchReply(reply.detail), (std::vector<size_t>{1, 2, 3}));
  EXPECT_NE(reply.detail.find("Invalid message: message_id required"), std::string::npos);
  EXPECT_TRUE(store_.Get("k1"));
  EXPECT_TRUE(store_.Get("k5"));
  EXPECT_FALSE(store_.Get("k4"));
}

TEST_F(BatchHandlerTest, TheSignatureCoversTheWholeBody) {
  ClusterConfig config = DefaultConfig();
  config.secret = "test-cluster-secret";
  MakeNode(config);
  const std::string first = EncodeMessage(PutFrom("a", "k1"));
  const std::string body = Join({first, EncodeMessage(PutFrom("a", "k2"))});
  EXPECT_EQ(node_->HandleGossipBatch(body, "", false).outcome, PeerOutcome::kMissingSignature);
  EXPECT_EQ(node_->HandleGossipBatch(body, SignBody(config.secret, first), false).outcome,
            PeerOutcome::kInvalidSignature);
  EXPECT_FALSE(store_.Get("k1"));
  EXPECT_EQ(node_->HandleGossipBatch(body, SignBody(config.secret, body), false).outcome,
            PeerOutcome::kDocument);
  EXPECT_TRUE(store_.Get("k2"));
}

TEST_F(BatchHandlerTest, AnOversizedBatchIsRefusedWhole) {
  MakeNode();
  std::vector<std::string> lines;
  for (size_t i = 0; i <= kMaxBatchMessages; ++i) {
    lines.push_back(EncodeMessage(PutFrom("a", "k" + std::to_string(i))));
  }
  EXPECT_EQ(Batch(Join(lines)).outcome, PeerOutcome::kTooLarge);
  EXPECT_FALSE(store_.Get("k0"));
  EXPECT_EQ(node_->metrics().batches_received_total.load(), 0u);
}

TEST_F(BatchHandlerTest, TheAcksOfABatchGoBackAsOneBatch) {
  ClusterConfig config = DefaultConfig();
  config.gossip_batch = true;
  MakeNode(config);
  AddPeer("a");
  std::vector<std::string> lines;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    SimpleMessage put = PutFrom("a", "k" + std::to_string(i));
    ids.push_back(put.message_id);
    lines.push_back(EncodeMessage(put));
  }
  transport_.Clear();
  ASSERT_EQ(Batch(Join(lines)).outcome, PeerOutcome::kDocument);
  const std::vector<OutboundRequest> sent = BatchRequests();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(transport_.requests().size(), 1u);  // nothing went single
  EXPECT_EQ(sent[0].host, "host-a");
  const std::vector<std::string_view> acks = SplitBatch(sent[0].body.view()).value();
  ASSERT_EQ(acks.size(), 5u);
  for (size_t i = 0; i < acks.size(); ++i) {
    Result<SimpleMessage> ack = ParseMessage(acks[i]);
    ASSERT_TRUE(ack.ok());
    EXPECT_EQ(ack->type, "ACK");
    EXPECT_EQ(ack->message_id, ids[i]);
  }
  EXPECT_EQ(node_->metrics().batches_sent_total.load(), 1u);
  EXPECT_EQ(node_->metrics().batch_messages_sent_total.load(), 5u);
}

TEST_F(BatchHandlerTest, AcksInABatchCompleteTheOriginatorsWrites) {
  ClusterConfig config = DefaultConfig();
  config.gossip_batch = true;
  MakeNode(config);
  AddPeer("a");
  AddPeer("b");
  transport_.Hold(true);  // the PUTs stay in flight; the ACKs come back in one batch
  std::vector<std::optional<bool>> outcomes(3);
  for (int i = 0; i < 3; ++i) {
    node_->ReplicateWrite("k" + std::to_string(i), "v", 600,
                          [&outcomes, i](bool q) { outcomes[i] = q; });
  }
  EXPECT_EQ(BatchRequests().size(), 2u);  // the first PUT to a and b; the others wait behind it
  transport_.ReleaseHeld();               // answered: the two queued PUTs leave as one batch
  EXPECT_EQ(BatchRequests().size(), 4u);
  std::vector<std::string> acks;
  for (const OutboundRequest& req : BatchRequests()) {
    if (req.host != "host-a") continue;
    const std::vector<std::string_view> lines = SplitBatch(req.body.view()).value();
    for (std::string_view line : lines) {
      SimpleMessage ack = Msg("ACK", "a");
      ack.message_id = ParseMessage(line).value().message_id;
      acks.push_back(EncodeMessage(ack));
    }
  }
  ASSERT_EQ(acks.size(), 3u);
  for (const std::optional<bool>& q : outcomes) EXPECT_FALSE(q.has_value());
  ASSERT_EQ(Batch(Join(acks)).outcome, PeerOutcome::kDocument);
  for (const std::optional<bool>& q : outcomes) EXPECT_EQ(q, true);
  transport_.Hold(false);
  transport_.ReleaseHeld();
}

}  // namespace
}  // namespace repram::cluster
