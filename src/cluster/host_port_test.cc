#include "cluster/host_port.h"

#include <gtest/gtest.h>

namespace repram::cluster {
namespace {

TEST(HostPortTest, SplitsAtTheLastColon) {
  EXPECT_EQ(ParseHostPort("10.0.0.1:8080"), (HostPort{"10.0.0.1", 8080}));
  EXPECT_EQ(ParseHostPort(" seed.example:1 "), (HostPort{"seed.example", 1}));
  EXPECT_EQ(ParseHostPort("[::1]:65535"), (HostPort{"::1", 65535}));
}

TEST(HostPortTest, RejectsBadPortsAndHosts) {
  for (const char* bad : {"10.0.0.1", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65536", ":8080", "h:+80",
                          "h:-1", "h:80a", "::1:8080", "[]:80", ""}) {
    EXPECT_FALSE(ParseHostPort(bad)) << bad;
  }
}

}  // namespace
}  // namespace repram::cluster
