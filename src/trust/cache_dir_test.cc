#include "trust/cache_dir.h"

#include <gtest/gtest.h>

namespace repram::trust {
namespace {

TEST(CacheDirTest, PrefersRepramCacheDir) {
  const CacheDirChoice c = ChooseCacheDir("/srv/cache", "/home/u", "/home/pw");
  EXPECT_EQ(c.dir, "/srv/cache");
  EXPECT_FALSE(c.is_system_fallback);
}

TEST(CacheDirTest, FallsBackToHomeThenPasswdHome) {
  EXPECT_EQ(ChooseCacheDir("", "/home/u", "/home/pw").dir, "/home/u/.repram/cache");
  EXPECT_EQ(ChooseCacheDir("", "", "/home/pw").dir, "/home/pw/.repram/cache");
}

TEST(CacheDirTest, FallsBackToSystemDirectoryWithWarning) {
  const CacheDirChoice c = ChooseCacheDir("", "", "");
  EXPECT_EQ(c.dir, "/var/cache/repram");
  EXPECT_TRUE(c.is_system_fallback);
  EXPECT_EQ(SystemCacheDirWarning(c.dir),
            "Using /var/cache/repram as cache directory; this typically requires root write "
            "access. Set REPRAM_CACHE_DIR for a writable location if refresh writes start "
            "failing.");
}

TEST(CacheDirTest, DefaultHonoursExplicitDirectory) {
  EXPECT_EQ(DefaultCacheDir("/x/y").dir, "/x/y");
}

}  // namespace
}  // namespace repram::trust
