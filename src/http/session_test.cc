// Session over Beast's in-memory test stream: pipelining, 100-continue, held answers, deadlines
// and late replies, without sockets or sleeps. The test drives the io_context itself.
#include "http/session.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/session_impl.h"
#include "http/testing/stream_ref.h"
#include "util/fake_clock.h"

namespace repram::http {

namespace beast = boost::beast;
namespace asio = boost::asio;

namespace {

using TestSession = BasicSession<StreamRef>;
using std::chrono::seconds;
using std::chrono::steady_clock;

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() {
    client_.connect(server_);
    options_.header_timeout = seconds(30);
    options_.body_timeout = seconds(30);
    options_.idle_timeout = seconds(120);
    options_.fixed_headers = "X-Fixed: 1\r\n";
    AddRoute("/a", [](const RequestContext&, Respond respond) { respond(Text("A")); });
    AddRoute("/b", [](const RequestContext&, Respond respond) { respond(Text("B")); });
    AddRoute("/echo", [](const RequestContext& ctx, Respond respond) {
      respond(Text("echo:" + ctx.req.body()));
    });
    AddRoute("/late", [this](const RequestContext&, Respond respond) {
      late_.push_back(std::move(respond));
    });
    AddRoute("/posted", [this](const RequestContext&, Respond respond) {
      asio::post(ioc_, [respond = std::move(respond)] { respond(Text("P")); });
    });
    AddRoute("/posted-then-throw", [this](const RequestContext&, Respond respond) {
      asio::post(ioc_, [respond = std::move(respond)] { respond(Text("stale")); });
      throw std::runtime_error("boom after scheduling the reply");
    });
    AddRoute("/answer-then-throw", [](const RequestContext&, Respond respond) {
      respond(Text("answered"));
      throw std::runtime_error("boom after answering");
    });
    AddRoute("/late-then-throw", [this](const RequestContext&, Respond respond) {
      late_.push_back(std::move(respond));
      throw std::runtime_error("boom");
    });
    RouteSpec ws;
    ws.path = "/ws";
    ws.methods = {bhttp::verb::get};
    ws.allow = "GET";
    ws.upgrade = [](boost::asio::ip::tcp::socket, bhttp::request<bhttp::empty_body>) {};
    routes_.Add(std::move(ws));
    // What the client had received when the session handed the connection over.
    StreamControl<StreamRef>::on_upgrade = [this](const RouteSpec& route, StreamRef&,
                                                  bhttp::request<bhttp::empty_body> req) {
      upgrades_.push_back(route.path + " " + std::string(req.target()));
      received_at_upgrade_ = Received();
    };
  }
  ~SessionTest() override { StreamControl<StreamRef>::on_upgrade = nullptr; }

  static Response Text(std::string body) { return TextResponse(200, std::move(body)); }

  void AddRoute(std::string path, Handler handler) {
    RouteSpec spec;
    spec.path = std::move(path);
    spec.methods = {bhttp::verb::get, bhttp::verb::put, bhttp::verb::options};
    spec.allow = "GET, PUT, OPTIONS";
    spec.body_limit = 1024;
    spec.handler = std::move(handler);
    routes_.Add(std::move(spec));
  }

  void Open() {
    session_ =
        std::make_shared<TestSession>(ioc_, StreamRef(server_), env_, registry_, 0, "10.0.0.7");
    session_->Start();
    session_.reset();  // the session owns itself while an operation is pending
    Run();
  }

  // Sends bytes from the client and runs everything that became ready.
  void Send(std::string_view bytes) {
    asio::write(client_, asio::buffer(bytes.data(), bytes.size()));
    Run();
  }

  void Run() {
    ioc_.restart();
    ioc_.poll();
  }

  // Returns what the session wrote since the last call.
  std::string Received() {
    std::string out(client_.str());
    client_.clear();
    return out;
  }

  // Runs the registry's deadline check `after` from now.
  void AdvanceDeadlines(steady_clock::duration after) {
    registry_->CheckDeadlines(steady_clock::now() + after);
    Run();
  }

  // Returns the bodies of the HTTP/1.1 responses in `bytes`, in order ("100" for a 100 Continue).
  static std::vector<std::string> Bodies(std::string_view bytes) {
    std::vector<std::string> out;
    while (!bytes.empty()) {
      const size_t end = bytes.find("\r\n\r\n");
      if (end == std::string_view::npos) break;
      const std::string_view head = bytes.substr(0, end);
      bytes.remove_prefix(end + 4);
      if (head.starts_with("HTTP/1.1 100")) {
        out.emplace_back("100");
        continue;
      }
      const size_t at = head.find("Content-Length: ");
      const size_t length = std::stoul(std::string(head.substr(at + 16)));
      out.emplace_back(bytes.substr(0, length));
      bytes.remove_prefix(length);
    }
    return out;
  }

  size_t open() const { return registry_->open(); }

  asio::io_context ioc_;
  beast::test::stream server_{ioc_};
  beast::test::stream client_{ioc_};
  FakeClock clock_;
  RateLimiter limiter_{clock_, 1000};
  std::vector<RateLimiter*> limiters_{&limiter_};
  HttpMetrics metrics_{1, {"any", "other"}};
  ServerOptions options_;
  RouteTable routes_;
  SessionEnv env_{routes_, limiters_, metrics_, options_};
  std::shared_ptr<SessionRegistry> registry_ = std::make_shared<SessionRegistry>(ioc_);
  std::shared_ptr<TestSession> session_;
  std::vector<Respond> late_;
  std::vector<std::string> upgrades_;
  std::string received_at_upgrade_;
};

constexpr std::string_view kUpgrade =
    "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

TEST_F(SessionTest, AnswersOneRequestWithFixedHeadersAndKeepsTheConnection) {
  Open();
  Send("GET /a HTTP/1.1\r\nHost: x\r\nOrigin: https://o.example\r\n\r\n");
  const std::string out = Received();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_NE(out.find("Access-Control-Allow-Origin: https://o.example\r\nX-Fixed: 1\r\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(Bodies(out), std::vector<std::string>{"A"});
  EXPECT_EQ(out.find("Connection: close"), std::string::npos);
  EXPECT_EQ(open(), 1u);
}

TEST_F(SessionTest, PipelinedAnswersLeaveInOrderInOneWrite) {
  Open();
  Send(
      "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nPUT /echo HTTP/1.1\r\nContent-Length: "
      "2\r\n\r\nhi");
  EXPECT_EQ(Bodies(Received()), (std::vector<std::string>{"A", "B", "echo:hi"}));
  EXPECT_EQ(server_.nwrite(), 1u);
}

TEST_F(SessionTest, ContinueIsSentOnlyWhenAskedAndBeforeTheBodyIsRead) {
  Open();
  Send("PUT /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  EXPECT_EQ(Received(), "HTTP/1.1 100 Continue\r\n\r\n");
  Send("abc");
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"echo:abc"});
  // A body that arrived with the header gets no 100 Continue.
  Send("PUT /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx");
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"echo:x"});
}

TEST_F(SessionTest, ContinueFollowsTheHeldAnswersOfEarlierRequests) {
  Open();
  Send(
      "GET /a HTTP/1.1\r\n\r\nPUT /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: "
      "2\r\n\r\n");
  EXPECT_EQ(Bodies(Received()), (std::vector<std::string>{"A", "100"}));
  EXPECT_EQ(server_.nwrite(), 1u);
  Send("ok");
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"echo:ok"});
}

TEST_F(SessionTest, HeldAnswersAreFlushedBeforeALateHandlerAnswers) {
  Open();
  Send("GET /a HTTP/1.1\r\n\r\nGET /late HTTP/1.1\r\n\r\n");
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"A"});
  ASSERT_EQ(late_.size(), 1u);
  late_[0](Text("L"));
  Run();
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"L"});
  Send("GET /b HTTP/1.1\r\n\r\n");
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"B"});
}

TEST_F(SessionTest, AnAnswerArrivingDuringTheFlushFollowsIt) {
  Open();
  Send("GET /a HTTP/1.1\r\n\r\nGET /posted HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
  EXPECT_EQ(Bodies(Received()), (std::vector<std::string>{"A", "P", "B"}));
}

TEST_F(SessionTest, AnUpgradeIsHandedOverWithoutAnAnswer) {
  Open();
  Send(kUpgrade);
  EXPECT_EQ(upgrades_, std::vector<std::string>{"/ws /ws"});
  EXPECT_EQ(received_at_upgrade_, "");
  EXPECT_EQ(open(), 0u);  // the session is gone; the connection lives on elsewhere
}

TEST_F(SessionTest, HeldAnswersOfPipelinedRequestsLeaveBeforeAnUpgradeTakesTheConnection) {
  Open();
  Send("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n" + std::string(kUpgrade));
  ASSERT_EQ(upgrades_.size(), 1u);
  EXPECT_EQ(Bodies(received_at_upgrade_), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(open(), 0u);
}

TEST_F(SessionTest, AnUpgradeRouteWithoutAnUpgradeRequestAnswers400) {
  Open();
  Send("GET /a HTTP/1.1\r\n\r\nGET /ws HTTP/1.1\r\n\r\n");
  const std::string out = Received();
  EXPECT_EQ(Bodies(out), (std::vector<std::string>{"A", "Bad Request\n"}));
  EXPECT_TRUE(upgrades_.empty());
  EXPECT_EQ(open(), 0u);
}

TEST_F(SessionTest, ALateReplyNeverAnswersTheNextRequest) {
  Open();
  Send("GET /late-then-throw HTTP/1.1\r\n\r\nGET /late HTTP/1.1\r\n\r\n");
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"Internal Server Error\n"});
  ASSERT_EQ(late_.size(), 2u);
  late_[0](Text("stale"));  // the first request was already answered with 500
  Run();
  EXPECT_EQ(Received(), "");
  late_[1](Text("fresh"));
  late_[1](Text("twice"));  // a second answer to the same request is dropped too
  Run();
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"fresh"});
}

TEST_F(SessionTest, AnAnswerGivenBeforeTheHandlerThrewStandsAndTheConnectionGoesOn) {
  Open();
  // An answer given while the handler runs is held until it returns, then written (the in-memory
  // stream writes asynchronously; server_test.cc covers the direct TCP write and the 500).
  Send("GET /answer-then-throw HTTP/1.1\r\n\r\n");
  Send("GET /a HTTP/1.1\r\n\r\n");
  EXPECT_EQ(Bodies(Received()), (std::vector<std::string>{"answered", "A"}));
}

TEST_F(SessionTest, AReplyScheduledBeforeTheHandlerThrewCannotAnswerTheNextPipelinedRequest) {
  Open();
  Send("GET /posted-then-throw HTTP/1.1\r\n\r\nGET /late HTTP/1.1\r\n\r\n");
  // The 500 answers the first request; the posted reply ran while /late was pending.
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"Internal Server Error\n"});
  ASSERT_EQ(late_.size(), 1u);
  late_[0](Text("second"));
  Run();
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"second"});
}

TEST_F(SessionTest, ALateReplyAfterTheClientLeftIsDroppedAndTheSessionEnds) {
  Open();
  Send("GET /late HTTP/1.1\r\n\r\n");
  client_.close();
  Run();
  EXPECT_EQ(open(), 1u);  // the pending handler keeps the session
  late_[0](Text("L"));
  late_.clear();
  Run();
  EXPECT_EQ(open(), 0u);
}

TEST_F(SessionTest, ALateHeaderIsClosedSilently) {
  Open();
  Send("GET /a HTTP/1.1\r\nHost:");
  AdvanceDeadlines(seconds(29));
  EXPECT_EQ(open(), 1u);
  AdvanceDeadlines(seconds(31));
  EXPECT_EQ(Received(), "");
  EXPECT_EQ(open(), 0u);
}

TEST_F(SessionTest, AFreshConnectionMustSendItsHeaderWithinTheHeaderTimeout) {
  Open();
  AdvanceDeadlines(seconds(31));
  EXPECT_EQ(open(), 0u);
}

TEST_F(SessionTest, ALateBodyIsAnswered503AndClosed) {
  Open();
  Send("PUT /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  AdvanceDeadlines(seconds(31));
  const std::string out = Received();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << out;
  EXPECT_EQ(Bodies(out), std::vector<std::string>{"Request timeout\n"});
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(open(), 0u);
}

TEST_F(SessionTest, AnIdleConnectionLivesUntilTheIdleTimeout) {
  Open();
  Send("GET /a HTTP/1.1\r\n\r\n");
  Received();
  AdvanceDeadlines(seconds(31));  // past the header timeout: idle is not a late header
  EXPECT_EQ(open(), 1u);
  AdvanceDeadlines(seconds(121));
  EXPECT_EQ(open(), 0u);
}

TEST_F(SessionTest, AHandlerThatTakesLongIsNeverTimedOut) {
  Open();
  Send("GET /late HTTP/1.1\r\n\r\n");
  AdvanceDeadlines(seconds(600));
  ASSERT_EQ(open(), 1u);
  late_[0](Text("L"));
  Run();
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"L"});
}

TEST_F(SessionTest, ShutdownClosesIdleConnectionsAndBusyOnesAfterTheirAnswer) {
  Open();
  Send("GET /late HTTP/1.1\r\n\r\n");
  registry_->BeginShutdown();
  Run();
  EXPECT_EQ(open(), 1u);
  late_[0](Text("L"));
  late_.clear();
  Run();
  const std::string out = Received();
  EXPECT_EQ(Bodies(out), std::vector<std::string>{"L"});
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(open(), 0u);
}

TEST_F(SessionTest, TheRegistryClosesAnIdleConnectionButNotOneWithARequestUnderWay) {
  Open();
  Send("GET /late HTTP/1.1\r\n\r\n");
  EXPECT_FALSE(registry_->CloseOldestIdle());  // a handler is working for it
  late_[0](Text("L"));
  late_.clear();
  Run();
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"L"});
  Send("GET /a HTTP/1.1\r\nHost:");  // half a header: waiting on the client
  EXPECT_TRUE(registry_->CloseOldestIdle());
  Run();
  EXPECT_EQ(open(), 0u);
  EXPECT_EQ(Received(), "");
}

TEST_F(SessionTest, ConnectionCloseIsHonoured) {
  Open();
  Send("GET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
  const std::string out = Received();
  EXPECT_EQ(Bodies(out), std::vector<std::string>{"A"});
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(open(), 0u);
}

// A body source that hands out parts in order; on_part runs before each part (a test hook).
class PartsSource final : public BodySource {
 public:
  explicit PartsSource(std::vector<std::string> parts, std::function<void(size_t)> on_part = {})
      : parts_(std::move(parts)), on_part_(std::move(on_part)) {}
  bool Next(std::string& out) override {
    if (on_part_) on_part_(next_);
    out.append(parts_[next_++]);
    return next_ < parts_.size();
  }

 private:
  std::vector<std::string> parts_;
  std::function<void(size_t)> on_part_;
  size_t next_ = 0;
};

// A streamed answer whose first bytes are "xy" and whose source yields "ab", "cd", "".
Response StreamedXyAbCd(std::weak_ptr<BodySource>* alive = nullptr,
                        std::function<void(size_t)> on_part = {}) {
  Response r;
  r.content_type = "application/json";
  r.body = "xy";
  r.stream =
      std::make_shared<PartsSource>(std::vector<std::string>{"ab", "cd", ""}, std::move(on_part));
  if (alive != nullptr) *alive = r.stream;
  return r;
}

TEST_F(SessionTest, AStreamedBodyIsChunkedAndTheConnectionIsKept) {
  std::weak_ptr<BodySource> source;
  AddRoute("/stream",
           [&source](const RequestContext&, Respond respond) { respond(StreamedXyAbCd(&source)); });
  Open();
  Send("GET /stream HTTP/1.1\r\n\r\n");
  const std::string out = Received();
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("Content-Length"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\n4\r\nxyab\r\n2\r\ncd\r\n0\r\n\r\n")) << out;
  EXPECT_TRUE(source.expired());
  Send("GET /a HTTP/1.1\r\n\r\n");
  EXPECT_EQ(Bodies(Received()), std::vector<std::string>{"A"});
  EXPECT_EQ(open(), 1u);
}

TEST_F(SessionTest, AStreamedBodyToHttp10EndsWithTheConnection) {
  AddRoute("/stream", [](const RequestContext&, Respond respond) { respond(StreamedXyAbCd()); });
  Open();
  Send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  const std::string out = Received();
  EXPECT_EQ(out.find("Transfer-Encoding"), std::string::npos) << out;
  EXPECT_EQ(out.find("Content-Length"), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\nxyabcd")) << out;
  EXPECT_EQ(open(), 0u);
}

// Issue #13 item 4: a client that leaves in the middle of a streamed body frees the source (and
// whatever it holds) and the session.
TEST_F(SessionTest, AClientLeavingMidStreamFreesTheSourceAndTheSession) {
  std::weak_ptr<BodySource> source;
  AddRoute("/stream", [this, &source](const RequestContext&, Respond respond) {
    respond(StreamedXyAbCd(&source, [this](size_t part) {
      if (part == 1) client_.close();  // gone after the first part was written
    }));
  });
  Open();
  Send("GET /stream HTTP/1.1\r\n\r\n");
  Run();
  EXPECT_TRUE(source.expired());
  EXPECT_EQ(open(), 0u);
}

}  // namespace
}  // namespace repram::http
