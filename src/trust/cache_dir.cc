#include "trust/cache_dir.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace repram::trust {

CacheDirChoice ChooseCacheDir(std::string_view repram_cache_dir, std::string_view home_env,
                              std::string_view passwd_home) {
  if (!repram_cache_dir.empty()) return {std::string(repram_cache_dir), false};
  if (!home_env.empty()) return {std::string(home_env) + "/.repram/cache", false};
  if (!passwd_home.empty()) return {std::string(passwd_home) + "/.repram/cache", false};
  return {std::string(kSystemCacheDir), true};
}

CacheDirChoice DefaultCacheDir(std::string_view repram_cache_dir) {
  const char* home = std::getenv("HOME");
  std::string passwd_home;
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
      found->pw_dir != nullptr) {
    passwd_home = found->pw_dir;
  }
  return ChooseCacheDir(repram_cache_dir, home == nullptr ? "" : home, passwd_home);
}

std::string SystemCacheDirWarning(std::string_view dir) {
  return "Using " + std::string(dir) +
         " as cache directory; this typically requires root write access. Set REPRAM_CACHE_DIR "
         "for a writable location if refresh writes start failing.";
}

}  // namespace repram::trust
