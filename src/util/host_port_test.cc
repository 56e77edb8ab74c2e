#include "util/host_port.h"

#include <gtest/gtest.h>

namespace repram {
namespace {

constexpr HostCheck kBothChecks[] = {HostCheck::kNonEmpty, HostCheck::kValidated};

TEST(ParsePortTest, AcceptsDigitsInRange) {
  EXPECT_EQ(ParsePort("1"), 1);
  EXPECT_EQ(ParsePort("8080"), 8080);
  EXPECT_EQ(ParsePort("65535"), 65535);
  EXPECT_EQ(ParsePort("080"), 80);
}

TEST(ParsePortTest, RejectsEverythingElse) {
  for (const char* bad : {"", "0", "65536", "+80", "-1", "80a", " 80", "99999999999999999999"}) {
    EXPECT_EQ(ParsePort(bad), std::nullopt) << bad;
  }
}

TEST(ParseHostPortTest, SplitsAtTheLastColon) {
  for (HostCheck check : kBothChecks) {
    EXPECT_EQ(ParseHostPort("10.0.0.1:8080", check), (HostPort{"10.0.0.1", 8080}));
    EXPECT_EQ(ParseHostPort(" seed.example:1 ", check), (HostPort{"seed.example", 1}));
    EXPECT_EQ(ParseHostPort(" node-1:8080 ", check), (HostPort{"node-1", 8080}));
    EXPECT_EQ(ParseHostPort("[::1]:65535", check), (HostPort{"::1", 65535}));
    EXPECT_EQ(ParseHostPort("[::1]:9000", check), (HostPort{"::1", 9000}));
  }
}

TEST(ParseHostPortTest, RejectsBadPortsAndHosts) {
  for (HostCheck check : kBothChecks) {
    for (const char* bad :
         {"10.0.0.1", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65536", ":8080", "h:+80", "h:-1",
          "h:80a", "::1:8080", "[]:80", "", "host", "host:0", "host:65536", ":80", "::1:80"}) {
      EXPECT_FALSE(ParseHostPort(bad, check)) << bad;
    }
  }
}

TEST(ParseHostPortTest, NonEmptyCheckUnwrapsBracketsWithoutLookingInside) {
  EXPECT_EQ(ParseHostPort("[zz]:80", HostCheck::kNonEmpty), (HostPort{"zz", 80}));
  EXPECT_EQ(ParseHostPort("a b:80", HostCheck::kNonEmpty), (HostPort{"a b", 80}));
  EXPECT_EQ(ParseHostPort("[abc:80", HostCheck::kNonEmpty), (HostPort{"[abc", 80}));
}

TEST(ParseHostPortTest, ValidatedCheckWantsAnIpv6LiteralInBracketsAndNoSpace) {
  for (const char* bad : {"[zz]:80", "[::1:80", "a b:80", "[abc:80", "[1.2.3.4]:80", "[]:80"}) {
    EXPECT_FALSE(ParseHostPort(bad, HostCheck::kValidated)) << bad;
  }
  EXPECT_EQ(ParseHostPort("[fe80::1%eth0]:53", HostCheck::kValidated),
            (HostPort{"fe80::1%eth0", 53}));
  EXPECT_EQ(ParseHostPort("[::ffff:10.0.0.1]:53", HostCheck::kValidated),
            (HostPort{"::ffff:10.0.0.1", 53}));
}

TEST(FormatHostPortTest, BracketsIpv6Literals) {
  EXPECT_EQ(FormatHostPort("10.0.0.1", 8080), "10.0.0.1:8080");
  EXPECT_EQ(FormatHostPort("node-1", 1), "node-1:1");
  EXPECT_EQ(FormatHostPort("::1", 65535), "[::1]:65535");
}

TEST(FormatHostPortTest, RoundTripsThroughParse) {
  for (const HostPort& hp : {HostPort{"::1", 9000}, HostPort{"seed.example", 80}}) {
    EXPECT_EQ(ParseHostPort(FormatHostPort(hp.host, hp.port), HostCheck::kValidated), hp);
  }
}

}  // namespace
}  // namespace repram
