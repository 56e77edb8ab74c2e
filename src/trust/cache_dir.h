#pragma once

#include <string>
#include <string_view>

namespace repram::trust {

// The system-wide fallback cache directory.
inline constexpr std::string_view kSystemCacheDir = "/var/cache/repram";

// Where the omega cache lives and whether the system-wide fallback was chosen (trust.md §8).
struct CacheDirChoice {
  std::string dir;
  bool is_system_fallback = false;  // log kSystemCacheDirWarning when true
};

// Chooses the cache directory: repram_cache_dir if non-empty; else <home_env>/.repram/cache; else
// <passwd_home>/.repram/cache; else kSystemCacheDir. Pure.
CacheDirChoice ChooseCacheDir(std::string_view repram_cache_dir, std::string_view home_env,
                              std::string_view passwd_home);

// ChooseCacheDir with $HOME and the password database entry of the current user.
CacheDirChoice DefaultCacheDir(std::string_view repram_cache_dir);

// Returns the warning logged when the system fallback is used.
std::string SystemCacheDirWarning(std::string_view dir);

}  // namespace repram::trust
