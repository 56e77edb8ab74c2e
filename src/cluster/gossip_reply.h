#pragma once

#include <string>
#include <string_view>

namespace repram::cluster {

inline constexpr std::string_view kContentTypeJson = "application/json";
inline constexpr std::string_view kContentTypeText = "text/plain; charset=utf-8";

// The HTTP answer of a cluster handler, written verbatim by the integrator's server.
struct GossipReply {
  int status = 200;
  std::string content_type;
  std::string body;

  // Returns 200 application/json `{"success":true}\n`.
  static GossipReply Success() {
    return {200, std::string(kContentTypeJson), "{\"success\":true}\n"};
  }
  // Returns a text/plain reply; body must already end with '\n'.
  static GossipReply Text(int status, std::string body) {
    return {status, std::string(kContentTypeText), std::move(body)};
  }
};

}  // namespace repram::cluster
