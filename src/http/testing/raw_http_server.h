#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "util/mutex.h"

namespace repram::http::testing {

// One request as the test server saw it.
struct SeenRequest {
  int connection = 0;  // 0-based accept order
  std::string target;
  std::string body;
};

// What the server does with a request: the raw bytes to answer (empty = close without answering,
// kNoAnswer = keep the connection open and never answer).
using Behaviour = std::function<std::string(const SeenRequest&, int index_on_connection)>;
inline const std::string kNoAnswer = "\x01";

// Returns a socket listening on 127.0.0.1 on an ephemeral port, which is stored in port.
inline int ListenOnLoopback(int backlog, uint16_t& port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  EXPECT_EQ(listen(fd, backlog), 0);
  return fd;
}

inline std::string Answer(const std::string& body, bool close = false) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         (close ? "Connection: close\r\n" : "") + "\r\n" + body;
}

// A blocking HTTP/1.1 server on 127.0.0.1 (one thread per connection), written with plain
// sockets so that it shares no code with the client under test and can misbehave on purpose.
class TestServer {
 public:
  explicit TestServer(Behaviour behaviour) : behaviour_(std::move(behaviour)) {
    listener_ = ListenOnLoopback(64, port_);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~TestServer() {
    stopping_ = true;
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    acceptor_.join();
    {
      MutexLock lock(mu_);
      for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : workers_) t.join();
  }

  uint16_t port() const { return port_; }

  std::vector<SeenRequest> seen() {
    MutexLock lock(mu_);
    return seen_;
  }

  int connections() {
    MutexLock lock(mu_);
    return static_cast<int>(fds_.size());
  }

  // The largest number of requests that were already received on one connection when the first
  // of them was answered (> 1 means the client pipelined).
  int max_batch() const { return max_batch_; }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      MutexLock lock(mu_);
      const int id = static_cast<int>(fds_.size());
      fds_.push_back(fd);
      workers_.emplace_back([this, fd, id] { Serve(fd, id); });
    }
  }

  // Parses every complete request in buf (Content-Length bodies only).
  static std::vector<SeenRequest> TakeRequests(std::string& buf, int connection) {
    std::vector<SeenRequest> out;
    while (true) {
      const size_t end = buf.find("\r\n\r\n");
      if (end == std::string::npos) return out;
      const std::string head = buf.substr(0, end);
      size_t length = 0;
      if (size_t cl = head.find("Content-Length: "); cl != std::string::npos) {
        length = std::stoul(head.substr(cl + 16));
      }
      if (buf.size() < end + 4 + length) return out;
      const size_t sp = head.find(' ');
      out.push_back({connection, head.substr(sp + 1, head.find(' ', sp + 1) - sp - 1),
                     buf.substr(end + 4, length)});
      buf.erase(0, end + 4 + length);
    }
  }

  void Serve(int fd, int id) {
    std::string buf;
    int index = 0;
    char chunk[65536];
    while (true) {
      const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buf.append(chunk, static_cast<size_t>(n));
      std::vector<SeenRequest> batch = TakeRequests(buf, id);
      if (static_cast<int>(batch.size()) > max_batch_) max_batch_ = static_cast<int>(batch.size());
      for (const SeenRequest& r : batch) {
        {
          MutexLock lock(mu_);
          seen_.push_back(r);
        }
        const std::string reply = behaviour_(r, index++);
        if (reply == kNoAnswer) continue;
        if (reply.empty()) return CloseFd(fd);
        send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
        if (reply.find("Connection: close") != std::string::npos) return CloseFd(fd);
      }
    }
    CloseFd(fd);
  }

  void CloseFd(int fd) { shutdown(fd, SHUT_RDWR); }

  Behaviour behaviour_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> max_batch_{0};
  std::thread acceptor_;
  Mutex mu_;
  std::vector<int> fds_ GUARDED_BY(mu_);
  std::vector<std::thread> workers_ GUARDED_BY(mu_);
  std::vector<SeenRequest> seen_ GUARDED_BY(mu_);
};

}  // namespace repram::http::testing
