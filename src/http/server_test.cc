// The TCP session (direct non-blocking writes, BasicSession::WriteNowOrLater) through a real
// HttpServer on loopback, read by a plain blocking client socket.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "http/http_metrics.h"
#include "http/io_pool.h"
#include "http/rate_limiter.h"
#include "http/route_table.h"
#include "util/clock.h"

namespace repram::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr size_t kLargeBody = 8 * 1024 * 1024;  // far more than a loopback socket buffer takes

class TcpSessionTest : public ::testing::Test {
 protected:
  TcpSessionTest() : limiter_(clock_, 1'000'000), metrics_(1, {"test", "unmatched"}) {
    AddRoute("/small",
             [](const RequestContext&, Respond respond) { respond(TextResponse(200, "small")); });
    AddRoute("/large", [](const RequestContext&, Respond respond) {
      respond(TextResponse(200, std::string(kLargeBody, 'x')));
    });
    AddRoute("/answer-then-throw", [](const RequestContext&, Respond respond) {
      respond(TextResponse(200, "answered"));
      throw std::runtime_error("boom after answering");
    });
    ServerOptions options;
    options.bind = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(pool_, routes_, std::vector<RateLimiter*>{&limiter_},
                                           metrics_, options);
    auto port = server_->Listen();
    EXPECT_TRUE(port.ok());
    port_ = port.ok() ? *port : 0;
    server_->Start();
    pool_.Start();
    asio::connect(client_, tcp::resolver(client_ioc_).resolve("127.0.0.1", std::to_string(port_)));
  }
  ~TcpSessionTest() override {
    server_->Shutdown(std::chrono::milliseconds(1000));
    pool_.Stop();
  }

  void AddRoute(std::string path, Handler handler) {
    RouteSpec spec;
    spec.path = std::move(path);
    spec.methods = {boost::beast::http::verb::get};
    spec.allow = "GET";
    spec.handler = std::move(handler);
    routes_.Add(std::move(spec));
  }

  void Send(std::string_view bytes) { asio::write(client_, asio::buffer(bytes)); }

  // Reads one answer with a Content-Length; returns its body.
  std::string ReadBody() {
    const size_t head_end = asio::read_until(client_, asio::dynamic_buffer(pending_), "\r\n\r\n");
    const std::string head = pending_.substr(0, head_end);
    const size_t at = head.find("Content-Length: ");
    EXPECT_NE(at, std::string::npos) << head;
    const size_t length = std::stoul(head.substr(at + 16));
    pending_.erase(0, head_end);
    if (pending_.size() < length) {
      asio::read(client_, asio::dynamic_buffer(pending_),
                 asio::transfer_exactly(length - pending_.size()));
    }
    std::string body = pending_.substr(0, length);
    pending_.erase(0, length);
    return body;
  }

  SystemClock clock_;
  RateLimiter limiter_;
  HttpMetrics metrics_;
  RouteTable routes_;
  IoPool pool_{1};
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  asio::io_context client_ioc_;
  tcp::socket client_{client_ioc_};
  std::string pending_;
};

TEST_F(TcpSessionTest, AnswersInOrderOnAKeptConnection) {
  Send("GET /small HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadBody(), "small");
  Send("GET /small HTTP/1.1\r\n\r\nGET /small HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadBody(), "small");
  EXPECT_EQ(ReadBody(), "small");
}

TEST_F(TcpSessionTest, AnAnswerTheSocketCannotTakeAtOnceIsFinishedLaterAndTheConnectionGoesOn) {
  Send("GET /large HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadBody(), std::string(kLargeBody, 'x'));
  Send("GET /small HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadBody(), "small");
}

TEST_F(TcpSessionTest, AnAnswerGivenBeforeTheHandlerThrewStandsAndTheNextRequestIsServed) {
  // The answer is written once the handler has returned: the throw after it still belongs to
  // this request, so it neither adds a 500 nor touches the next request.
  Send("GET /answer-then-throw HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadBody(), "answered");
  Send("GET /small HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadBody(), "small");
}

}  // namespace
}  // namespace repram::http
