#include "trust/root_status.h"

#include <gtest/gtest.h>

namespace repram::trust {
namespace {

TEST(RootStatusTest, IsNotRootBeforeAnyList) {
  EXPECT_FALSE(RootStatus("10.0.0.1:8080").is_root());
}

TEST(RootStatusTest, ReportsInitialRootStatus) {
  RootStatus root("10.0.0.1:8080");
  EXPECT_EQ(root.Apply({"a:1", "10.0.0.1:8080"}),
            "Initial root status: bootstrap root (advertised as 10.0.0.1:8080)");
  EXPECT_TRUE(root.is_root());

  RootStatus other("10.0.0.9:8080");
  EXPECT_EQ(other.Apply({"a:1", "10.0.0.1:8080"}),
            "Initial root status: not a root (advertised as 10.0.0.9:8080); /v1/bootstrap "
            "returns 403");
  EXPECT_FALSE(other.is_root());
}

TEST(RootStatusTest, MatchesByteForByteOnly) {
  RootStatus root("Node.example:8080");
  (void)root.Apply({"node.example:8080", "Node.example:08080", " Node.example:8080"});
  EXPECT_FALSE(root.is_root());
}

TEST(RootStatusTest, RootStatusFlipIsReportedOnceEachWay) {
  RootStatus root("me:8080");
  (void)root.Apply({"a:1"});
  EXPECT_EQ(root.Apply({"a:1", "me:8080"}),
            "Root status changed: this node is now a bootstrap root");
  EXPECT_TRUE(root.is_root());
  EXPECT_EQ(root.Apply({"me:8080"}), std::nullopt);
  EXPECT_EQ(root.Apply({"a:1"}), "Root status changed: this node is no longer a bootstrap root");
  EXPECT_FALSE(root.is_root());
  EXPECT_EQ(root.Apply({"b:1"}), std::nullopt);
}

}  // namespace
}  // namespace repram::trust
