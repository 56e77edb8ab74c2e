#include "util/status.h"

#include <gtest/gtest.h>

namespace repram {
namespace {

TEST(StatusTest, ErrorsAreNotLoggedUnlessMarked) {
  const Status plain(StatusCode::kUnavailable, "bind failed");
  EXPECT_FALSE(plain.logged());
  EXPECT_FALSE(Status::Ok().logged());
}

TEST(StatusTest, MarkedLoggedKeepsCodeAndMessage) {
  const Status marked = Status(StatusCode::kUnavailable, "omega bootstrap failed").MarkedLogged();
  EXPECT_TRUE(marked.logged());
  EXPECT_EQ(marked.code(), StatusCode::kUnavailable);
  EXPECT_EQ(marked.message(), "omega bootstrap failed");
}

TEST(StatusTest, ResultCarriesTheLoggedMark) {
  const Result<int> failed = Status(StatusCode::kInternal, "x").MarkedLogged();
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.status().logged());
  const Result<int> unmarked = Status(StatusCode::kInternal, "x");
  EXPECT_FALSE(unmarked.status().logged());
}

}  // namespace
}  // namespace repram
