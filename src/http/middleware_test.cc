#include "http/middleware.h"

#include <gtest/gtest.h>

namespace repram::http {
namespace {

TEST(SerializeHeadTest, CarriesCorsAndSecurityHeadersAndLength) {
  Response r = TextResponse(404, "404 page not found\n");
  std::string head;
  SerializeHead(r, "https://a.example", false, head);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 404 Not Found\r\n"));
  for (const char* h :
       {"Access-Control-Allow-Origin: https://a.example\r\n", "Vary: Origin\r\n",
        "Access-Control-Allow-Methods: GET, PUT, POST, HEAD, OPTIONS\r\n",
        "Access-Control-Allow-Headers: Content-Type, X-TTL, X-Repram-Signature\r\n",
        "Access-Control-Expose-Headers: X-Created-At, X-Original-TTL, X-Remaining-TTL\r\n",
        "Access-Control-Max-Age: 3600\r\n", "X-Content-Type-Options: nosniff\r\n",
        "X-Frame-Options: DENY\r\n", "X-XSS-Protection: 1; mode=block\r\n",
        "Referrer-Policy: strict-origin-when-cross-origin\r\n",
        "Content-Security-Policy: default-src 'self'\r\n", "X-REPRAM-Node: 1.0.0\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n", "Content-Length: 19\r\n"}) {
    EXPECT_NE(head.find(h), std::string::npos) << h;
  }
  EXPECT_EQ(head.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(head.ends_with("\r\n\r\n"));
}

TEST(SerializeHeadTest, NoAllowOriginWithoutOriginAndCloseWhenAsked) {
  Response r;
  std::string head;
  SerializeHead(r, "", true, head);
  EXPECT_EQ(head.find("Access-Control-Allow-Origin"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(SerializeHeadTest, HeadAnnouncesLengthWithoutBody) {
  Response r;
  r.omit_body = true;
  r.head_content_length = 42;
  std::string head;
  SerializeHead(r, "", false, head);
  EXPECT_NE(head.find("Content-Length: 42\r\n"), std::string::npos);
}

TEST(IsScannerUserAgentTest, MatchesSignaturesCaseInsensitively) {
  EXPECT_TRUE(IsScannerUserAgent("sqlmap/1.0"));
  EXPECT_TRUE(IsScannerUserAgent("Mozilla/5.0 (compatible; Nmap Scripting Engine)"));
  EXPECT_TRUE(IsScannerUserAgent("DirBuster-1.0"));
  EXPECT_FALSE(IsScannerUserAgent("python-requests/2.31"));
  EXPECT_FALSE(IsScannerUserAgent(""));
}

TEST(ClientIpTest, ProxyHeadersOnlyWhenTrusted) {
  bhttp::fields f;
  f.set("X-Forwarded-For", " 1.2.3.4 , 5.6.7.8");
  f.set("X-Real-IP", "9.9.9.9");
  EXPECT_EQ(ClientIp(f, "127.0.0.1", false), "127.0.0.1");
  EXPECT_EQ(ClientIp(f, "127.0.0.1", true), "1.2.3.4");
  bhttp::fields real;
  real.set("X-Real-IP", " 9.9.9.9 ");
  EXPECT_EQ(ClientIp(real, "127.0.0.1", true), "9.9.9.9");
  bhttp::fields empty_xff;
  empty_xff.set("X-Forwarded-For", " ");
  EXPECT_EQ(ClientIp(empty_xff, "10.0.0.1", true), "10.0.0.1");
}

TEST(ClientIpTest, NormalizesIpv4MappedIpv6) {
  bhttp::fields f;
  EXPECT_EQ(ClientIp(f, "::ffff:10.1.2.3", false), "10.1.2.3");
  EXPECT_EQ(ClientIp(f, "::1", false), "::1");
}

}  // namespace
}  // namespace repram::http
