#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "trust/signed_list.h"
#include "util/status.h"

namespace repram::trust {

// Name of the cache file inside the cache directory.
inline constexpr std::string_view kCacheFileName = "root-list.json";

// Returns the cache file content for list: compact JSON {"version","expires","nodes" (received
// order),"signature" (std base64)} plus "\n".
std::string EncodeCacheFile(const SignedList& list);

// Parses cache file content. Unknown keys are ignored and the trailing newline is optional;
// invalid JSON, a missing or mistyped key or a non-strict base64 signature is an error. The result
// is untrusted until VerifySignedList accepts it.
Result<SignedList> DecodeCacheFile(std::string_view content);

// The omega cache file in one directory (trust.md §8). Stateless apart from the path; concurrent
// Save calls are safe (each writes its own temporary file and renames it atomically).
class RootListCache {
 public:
  explicit RootListCache(std::string dir);

  const std::string& dir() const { return dir_; }
  // Returns <dir>/root-list.json.
  std::string path() const;
  // Writes list atomically: creates the directory (and missing parents) with mode 0700, writes
  // root-list.json.<pid>.<random hex>.tmp with mode 0600, fsyncs, renames it over the file and
  // fsyncs the directory (best effort). The temporary file is removed on any failure.
  Status Save(const SignedList& list) const;
  // Reads the file: nullopt when absent; an error when unreadable or malformed (DecodeCacheFile).
  Result<std::optional<SignedList>> Load() const;

 private:
  std::string dir_;
};

}  // namespace repram::trust
