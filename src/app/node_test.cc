#include "app/node.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace repram {
namespace {

Config LoopbackConfig() {
  Config c;
  c.bind = "127.0.0.1";
  c.address = "127.0.0.1";
  c.http_port = 0;
  c.threads = 1;
  return c;
}

TEST(NodeStartTest, FailedOmegaFlowReturnsAStatusMarkedLogged) {
  Config config = LoopbackConfig();
  config.public_network = true;  // no REPRAM_PEERS: omega, and the compiled-in key is refused
  Node node(config);
  const Result<uint16_t> port = node.Start();
  ASSERT_FALSE(port.ok());
  EXPECT_TRUE(port.status().logged());
  EXPECT_FALSE(port.status().message().empty());
}

TEST(NodeStartTest, ListenFailureIsLeftForTheCallerToLog) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor taken(
      ioc, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  Config config = LoopbackConfig();
  config.public_network = false;
  config.http_port = taken.local_endpoint().port();
  Node node(config);
  const Result<uint16_t> port = node.Start();
  ASSERT_FALSE(port.ok());
  EXPECT_FALSE(port.status().logged());
  EXPECT_THAT(port.status().message(), testing::HasSubstr("cannot listen on 127.0.0.1:"));
}

}  // namespace
}  // namespace repram
