#include "http/middleware.h"

#include <gtest/gtest.h>

namespace repram::http {
namespace {

TEST(SerializeHeadTest, CarriesOriginFixedHeadersTypeAndLength) {
  Response r = TextResponse(404, "404 page not found\n");
  r.headers.emplace_back("Allow", "GET");
  std::string head;
  SerializeHead(r, "X-One: 1\r\nX-Two: 2\r\n", "https://a.example", false, head);
  EXPECT_EQ(head,
            "HTTP/1.1 404 Not Found\r\n"
            "Access-Control-Allow-Origin: https://a.example\r\n"
            "X-One: 1\r\nX-Two: 2\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Allow: GET\r\n"
            "Content-Length: 19\r\n\r\n");
}

TEST(SerializeHeadTest, NoAllowOriginWithoutOriginAndCloseWhenAsked) {
  Response r;
  std::string head;
  SerializeHead(r, "", "", true, head);
  EXPECT_EQ(head.find("Access-Control-Allow-Origin"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(SerializeHeadTest, HeadAnnouncesLengthWithoutBody) {
  Response r;
  r.omit_body = true;
  r.head_content_length = 42;
  std::string head;
  SerializeHead(r, "", "", false, head);
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
  EXPECT_EQ(ClientIp(f, "127.0.0.1", true), "5.6.7.8");
  bhttp::fields real;
  real.set("X-Real-IP", " 9.9.9.9 ");
  EXPECT_EQ(ClientIp(real, "127.0.0.1", true), "9.9.9.9");
  bhttp::fields empty_xff;
  empty_xff.set("X-Forwarded-For", " ");
  EXPECT_EQ(ClientIp(empty_xff, "10.0.0.1", true), "10.0.0.1");
}

TEST(ClientIpTest, TheProxyAddedRightMostForwardedElementIsUsed) {
  bhttp::fields f;
  f.insert("X-Forwarded-For", "6.6.6.6, 7.7.7.7");  // chosen by the client
  f.insert("X-Forwarded-For", "1.1.1.1,  203.0.113.5 ");
  EXPECT_EQ(ClientIp(f, "127.0.0.1", true), "203.0.113.5");
  bhttp::fields trailing_comma;
  trailing_comma.set("X-Forwarded-For", "1.2.3.4, ");
  trailing_comma.set("X-Real-IP", "9.9.9.9");
  EXPECT_EQ(ClientIp(trailing_comma, "127.0.0.1", true), "9.9.9.9");
}

TEST(ClientIpTest, NormalizesIpv4MappedIpv6) {
  bhttp::fields f;
  EXPECT_EQ(ClientIp(f, "::ffff:10.1.2.3", false), "10.1.2.3");
  EXPECT_EQ(ClientIp(f, "::1", false), "::1");
}

}  // namespace
}  // namespace repram::http
