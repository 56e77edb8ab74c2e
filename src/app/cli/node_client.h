#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/client.h"
#include "http/io_pool.h"
#include "mcp/remote_node_api.h"

namespace repram::cli {

// A blocking HTTP/1.1 client for one node (the `repram` client subcommands): each Call sends one
// request through the project's HttpClient on a private I/O thread and waits for its result.
// The calling thread is the process's main thread, never an I/O thread, so waiting is fine.
class NodeClient {
 public:
  explicit NodeClient(mcp::RemoteEndpoint endpoint);
  ~NodeClient();
  NodeClient(const NodeClient&) = delete;
  NodeClient& operator=(const NodeClient&) = delete;

  // Sends `method base_path+target` and returns the answer, or a result whose ec is set on a
  // transport error or after `timeout`.
  http::ClientResult Call(boost::beast::http::verb method, const std::string& target,
                          std::string body = {},
                          std::vector<std::pair<std::string, std::string>> headers = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The URL as given (for messages).
  const std::string& url() const { return endpoint_.url; }

 private:
  mcp::RemoteEndpoint endpoint_;
  http::IoPool pool_{1};
  std::unique_ptr<http::HttpClient> client_;
};

}  // namespace repram::cli
