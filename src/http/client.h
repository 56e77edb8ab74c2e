#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace repram::http {

// One outbound HTTP/1.1 request.
struct ClientRequest {
  std::string host;  // name or IP literal (IPv6 without brackets)
  uint16_t port = 0;
  boost::beast::http::verb method = boost::beast::http::verb::post;
  std::string target;  // "/v1/gossip/message"
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  std::chrono::milliseconds timeout{5000};  // connect to last response byte
};

// The outcome of one request. ec set = transport error or timeout (status then 0).
struct ClientResult {
  boost::system::error_code ec;
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool ok_2xx() const { return !ec && status >= 200 && status < 300; }
};

// Asynchronous HTTP client with a keep-alive connection pool per host:port (at most 8
// connections, idle ones closed after 90 s, queue of 1024 waiting requests per peer; overflow
// fails at once). Requests to different peers run in parallel. Never blocks the caller.
// Thread-safe. Callbacks run on an I/O thread of the given io_context.
class HttpClient {
 public:
  explicit HttpClient(boost::asio::io_context& ioc, std::string user_agent);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends req and calls done exactly once with the result.
  void Send(ClientRequest req, std::function<void(ClientResult)> done);

  // Drops pooled connections to host:port (after a peer was evicted).
  void DropPool(const std::string& host, uint16_t port);

  // Closes every connection; pending requests complete with operation_aborted.
  void Shutdown();

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace repram::http
