#include "mcp/stdio_transport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mcp/fake_node_api.h"

namespace repram::mcp {
namespace {

std::vector<Json> OutputLines(const std::string& out) {
  std::vector<Json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON on the output stream: " << line;
    EXPECT_EQ(j["jsonrpc"], "2.0");
    lines.push_back(std::move(j));
  }
  EXPECT_TRUE(out.empty() || out.back() == '\n');
  return lines;
}

class StdioTransportTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  FakeNodeApi node_{clock_};
  McpServer server_{node_, TtlBounds{}};
};

TEST_F(StdioTransportTest, ServesUntilEofAndWritesOnlyJsonRpcLines) {
  std::istringstream in(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})"
      "\n"
      R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
      "\n"
      "\n   \n"
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"repram_store","arguments":{"key":"k1","data":"hello","ttl_seconds":10}}})"
      "\n"
      "{not json\n"
      R"({"jsonrpc":"2.0","id":3,"method":"ping"})"
      "\n");
  std::ostringstream out;
  EXPECT_EQ(StdioTransport(server_, out).Run(in), 0);
  const std::vector<Json> lines = OutputLines(out.str());
  ASSERT_EQ(lines.size(), 4u) << out.str();
  EXPECT_EQ(lines[0]["result"]["protocolVersion"], "2025-06-18");
  EXPECT_EQ(lines[1]["id"], 2);
  EXPECT_EQ(lines[1]["result"]["structuredContent"]["ttl_seconds"], 300);
  EXPECT_EQ(lines[1]["result"]["structuredContent"]["ttl_clamped"], true);
  EXPECT_EQ(lines[2],
            Json::parse(
                R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})"));
  EXPECT_EQ(lines[3], Json::parse(R"({"jsonrpc":"2.0","id":3,"result":{}})"));
}

TEST_F(StdioTransportTest, EmptyInputExitsZeroWithoutOutput) {
  std::istringstream in("");
  std::ostringstream out;
  EXPECT_EQ(StdioTransport(server_, out).Run(in), 0);
  EXPECT_EQ(out.str(), "");
}

TEST_F(StdioTransportTest, LastLineWithoutNewlineIsServed) {
  std::istringstream in(R"({"jsonrpc":"2.0","id":5,"method":"ping"})");
  std::ostringstream out;
  EXPECT_EQ(StdioTransport(server_, out).Run(in), 0);
  EXPECT_EQ(out.str(), "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}\n");
}

TEST_F(StdioTransportTest, OverlongLineGetsParseErrorAndLoopContinues) {
  const std::string ping = R"({"jsonrpc":"2.0","id":5,"method":"ping"})";
  std::istringstream in(std::string(150'000, ' ') + ping + "\n" + ping + "\n");
  std::ostringstream out;
  StdioOptions options;
  options.max_line_bytes = 100'000;
  EXPECT_EQ(StdioTransport(server_, out, options).Run(in), 0);
  const std::vector<Json> lines = OutputLines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["error"]["code"], -32700);
  EXPECT_EQ(lines[1]["id"], 5);
}

TEST_F(StdioTransportTest, LinesLongerThanTheReadChunkArriveWhole) {
  const std::string data(300'000, 'z');
  std::istringstream in(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"repram_store","arguments":{"key":"big","data":")" +
      data + "\"}}}\n" +
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"repram_retrieve","arguments":{"key":"big"}}})" +
      "\n");
  std::ostringstream out;
  EXPECT_EQ(StdioTransport(server_, out).Run(in), 0);
  const std::vector<Json> lines = OutputLines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["result"]["structuredContent"]["data"], data);
}

TEST_F(StdioTransportTest, EofWaitsForInFlightRequests) {
  node_.set_deferred(true);
  std::istringstream in(
      R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"repram_exists","arguments":{"key":"k"}}})"
      "\n");
  std::ostringstream out;
  int code = -1;
  std::thread runner([&] { code = StdioTransport(server_, out).Run(in); });
  while (node_.pending() == 0) std::this_thread::yield();
  node_.CompleteNewest();
  runner.join();
  EXPECT_EQ(code, 0);
  const std::vector<Json> lines = OutputLines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["id"], 9);
}

TEST_F(StdioTransportTest, RepliesAfterTheDrainTimeoutAreDropped) {
  node_.set_deferred(true);
  std::istringstream in(
      R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"repram_exists","arguments":{"key":"k"}}})"
      "\n");
  std::ostringstream out;
  StdioOptions options;
  options.drain_timeout = std::chrono::milliseconds(20);
  EXPECT_EQ(StdioTransport(server_, out, options).Run(in), 0);
  ASSERT_EQ(node_.pending(), 1u);
  node_.CompleteNewest();
  EXPECT_EQ(out.str(), "");
}

TEST_F(StdioTransportTest, DrainReportsWhetherEverythingWasAnswered) {
  std::ostringstream out;
  StdioTransport transport(server_, out);
  EXPECT_TRUE(transport.Drain(std::chrono::milliseconds(0)));
}

}  // namespace
}  // namespace repram::mcp
