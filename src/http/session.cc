#include "http/session.h"

#include "http/session_impl.h"

namespace repram::http {

// ---- SessionRegistry ----

void SessionRegistry::Start() { Sweep(); }

void SessionRegistry::CheckDeadlines(std::chrono::steady_clock::time_point now) {
  // CheckDeadline never destroys a session synchronously (handlers hold the last reference),
  // so iterating the set directly is safe.
  for (SessionBase* s : sessions_) s->CheckDeadline(now);
}

void SessionRegistry::Sweep() {
  if (stopping_ && sessions_.empty()) return;
  CheckDeadlines(session_detail::CoarseNow());
  timer_.expires_after(std::chrono::milliseconds(500));
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->Sweep();
  });
}

bool SessionRegistry::CloseOldestIdle() {
  constexpr size_t kMaxLook = 256;
  for (size_t looked = 0; looked < kMaxLook && looked < sessions_.size(); ++looked) {
    SessionBase* s = sessions_.front();
    if (s->CloseIfIdle()) return true;
    sessions_.splice(sessions_.end(), sessions_, sessions_.begin());
  }
  return false;
}

void SessionRegistry::BeginShutdown() {
  stopping_ = true;
  for (SessionBase* s : sessions_) s->BeginShutdown();
}

// ---- The TCP session ----

template <>
struct StreamControl<boost::asio::ip::tcp::socket> {
  static constexpr bool kDirectIo = true;
  // Puts the socket in non-blocking mode so that the session can write it directly
  // (BasicSession::WriteNowOrLater). Returns false, leaving it as it was, on failure.
  static bool EnableDirectIo(boost::asio::ip::tcp::socket& s) {
    boost::system::error_code ec;
    s.non_blocking(true, ec);
    return !ec;
  }
  // Cancels every pending operation on the socket.
  static void CancelRead(boost::asio::ip::tcp::socket& s) {
    boost::system::error_code ec;
    s.cancel(ec);
  }
  // Shuts the socket down both ways and closes it.
  static void Close(boost::asio::ip::tcp::socket& s) {
    boost::system::error_code ec;
    s.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    s.close(ec);
  }
  // Hands an upgraded connection to the route (the socket leaves the HTTP server).
  static void HandOff(const RouteSpec& route, boost::asio::ip::tcp::socket s,
                      bhttp::request<bhttp::empty_body> req) {
    boost::system::error_code ec;
    s.non_blocking(false, ec);  // the new owner gets the socket as Asio made it
    route.upgrade(std::move(s), std::move(req));
  }
};

template class BasicSession<boost::asio::ip::tcp::socket>;

}  // namespace repram::http
