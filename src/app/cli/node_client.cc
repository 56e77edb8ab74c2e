#include "app/cli/node_client.h"

#include <future>

namespace repram::cli {

NodeClient::NodeClient(mcp::RemoteEndpoint endpoint) : endpoint_(std::move(endpoint)) {
  pool_.Start();
  client_ = std::make_unique<http::HttpClient>(pool_.context(0), "repram-cli/" REPRAM_VERSION);
}

NodeClient::~NodeClient() {
  client_->Shutdown();
  pool_.Stop();
}

http::ClientResult NodeClient::Call(boost::beast::http::verb method, const std::string& target,
                                    std::string body,
                                    std::vector<std::pair<std::string, std::string>> headers,
                                    std::chrono::milliseconds timeout) {
  http::ClientRequest req;
  req.host = endpoint_.host;
  req.port = endpoint_.port;
  req.method = method;
  req.target = endpoint_.base_path + target;
  req.headers = std::move(headers);
  req.body = std::move(body);
  req.timeout = timeout;
  std::promise<http::ClientResult> answer;
  auto result = answer.get_future();
  client_->Send(std::move(req),
                [&answer](http::ClientResult r) { answer.set_value(std::move(r)); });
  return result.get();
}

}  // namespace repram::cli
