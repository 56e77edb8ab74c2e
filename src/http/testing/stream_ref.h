#pragma once

#include <boost/beast/_experimental/test/stream.hpp>
#include <functional>
#include <utility>

#include "http/session.h"

namespace repram::http {

// The session's end of an in-memory connection (session tests, the request fuzzer). The caller
// keeps the test::stream itself, so it can see what and how often the session wrote.
class StreamRef {
 public:
  using executor_type = boost::beast::test::stream::executor_type;
  explicit StreamRef(boost::beast::test::stream& s) : s_(&s) {}
  executor_type get_executor() { return s_->get_executor(); }
  template <class Buffers, class Handler>
  auto async_read_some(const Buffers& b, Handler&& h) {
    return s_->async_read_some(b, std::forward<Handler>(h));
  }
  template <class Buffers, class Handler>
  auto async_write_some(const Buffers& b, Handler&& h) {
    return s_->async_write_some(b, std::forward<Handler>(h));
  }
  boost::beast::test::stream& stream() { return *s_; }

 private:
  boost::beast::test::stream* s_;
};

template <>
struct StreamControl<StreamRef> {
  // The in-memory stream has no readiness wait: the session keeps to Asio's async reads/writes.
  static constexpr bool kDirectIo = false;
  // The pending read ends (with eof) while writing stays possible, like a cancelled socket read.
  static void CancelRead(StreamRef& s) { s.stream().close_remote(); }
  static void Close(StreamRef& s) { s.stream().close(); }
  // An upgrade goes to the caller's hook, when set (the route's callback takes a TCP socket).
  static void HandOff(const RouteSpec& route, StreamRef s, bhttp::request<bhttp::empty_body> req) {
    if (on_upgrade) on_upgrade(route, s, std::move(req));
  }
  static inline std::function<void(const RouteSpec&, StreamRef&, bhttp::request<bhttp::empty_body>)>
      on_upgrade;
};

}  // namespace repram::http
