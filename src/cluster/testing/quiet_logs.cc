// Silences the default spdlog logger for the whole cluster_test binary: the protocol logs every
// join, eviction and recovery, which would bury test failures. Tests that assert on logs install
// their own logger.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

namespace {

class QuietLogs final : public ::testing::Environment {
 public:
  void SetUp() override { spdlog::set_level(spdlog::level::off); }
};

[[maybe_unused]] ::testing::Environment* const kQuietLogs =
    ::testing::AddGlobalTestEnvironment(new QuietLogs);

}  // namespace
