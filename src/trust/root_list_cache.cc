#include "trust/root_list_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "trust/sodium_ready.h"
#include "util/base64.h"
#include "util/json_writer.h"

namespace repram::trust {
namespace {

Status ErrnoError(const std::string& what, int err) {
  return Status(StatusCode::kInternal, what + ": " + std::strerror(err));
}

Status CacheFormatError(std::string detail) {
  return Status(StatusCode::kInvalidArgument, std::move(detail));
}

// Creates dir and its missing parents with mode 0700, like Go's os.MkdirAll(dir, 0700); existing
// directories are left untouched.
Status MakeDirs(const std::string& dir) {
  std::filesystem::path prefix;
  for (const std::filesystem::path& part : std::filesystem::path(dir)) {
    prefix /= part;
    if (part.empty() || part == "/") continue;
    if (mkdir(prefix.c_str(), 0700) == 0) {
      chmod(prefix.c_str(), 0700);  // undo a restrictive umask on the owner bits
    } else if (errno != EEXIST) {
      return ErrnoError("mkdir " + prefix.string(), errno);
    }
  }
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Removes the temporary file unless disarmed after the successful rename.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  void Disarm() { path_.clear(); }

 private:
  std::string path_;
};

std::string RandomHex() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof(bytes));
  char hex[2 * sizeof(bytes) + 1];
  sodium_bin2hex(hex, sizeof(hex), bytes, sizeof(bytes));
  return hex;
}

}  // namespace

std::string EncodeCacheFile(const SignedList& list) {
  JsonWriter w;
  w.BeginObject().String("version", list.version).Int("expires", list.exp).BeginArray("nodes");
  for (const std::string& node : list.nodes) w.String("", node);
  w.EndArray().String("signature", EncodeBase64(list.signature)).EndObject();
  std::string out = w.Take();
  out.push_back('\n');
  return out;
}

Result<SignedList> DecodeCacheFile(std::string_view content) {
  const nlohmann::json j = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return CacheFormatError("invalid JSON");
  auto field = [&](const char* key) -> const nlohmann::json* {
    const auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
  };
  auto mistyped = [](const char* key) {
    return CacheFormatError(fmt::format("missing or mistyped key \"{}\"", key));
  };
  SignedList list;
  const nlohmann::json* version = field("version");
  if (version == nullptr || !version->is_string()) return mistyped("version");
  list.version = version->get<std::string>();

  const nlohmann::json* expires = field("expires");
  if (expires == nullptr || !expires->is_number_integer() ||
      (expires->is_number_unsigned() &&
       expires->get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()})) {
    return mistyped("expires");
  }
  list.exp = expires->get<int64_t>();

  const nlohmann::json* nodes = field("nodes");
  if (nodes == nullptr || !nodes->is_array()) return mistyped("nodes");
  for (const nlohmann::json& node : *nodes) {
    if (!node.is_string()) return mistyped("nodes");
    list.nodes.push_back(node.get<std::string>());
  }

  const nlohmann::json* signature = field("signature");
  if (signature == nullptr || !signature->is_string()) return mistyped("signature");
  std::optional<std::string> sig = DecodeBase64Strict(signature->get_ref<const std::string&>());
  if (!sig) return CacheFormatError("signature is not valid base64");
  list.signature = std::move(*sig);
  return list;
}

RootListCache::RootListCache(std::string dir) : dir_(std::move(dir)) {}

std::string RootListCache::path() const { return dir_ + "/" + std::string(kCacheFileName); }

Status RootListCache::Save(const SignedList& list) const {
  if (Status s = MakeDirs(dir_); !s.ok()) return s;
  if (!SodiumReady()) return Status(StatusCode::kInternal, "libsodium initialisation failed");
  const std::string tmp = fmt::format("{}.{}.{}.tmp", path(), getpid(), RandomHex());
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("create " + tmp, errno);
  TempFileGuard guard(tmp);
  Status s = fchmod(fd, 0600) == 0 ? WriteAll(fd, EncodeCacheFile(list))
                                   : ErrnoError("chmod " + tmp, errno);
  if (s.ok() && fsync(fd) != 0) s = ErrnoError("fsync " + tmp, errno);
  if (close(fd) != 0 && s.ok()) s = ErrnoError("close " + tmp, errno);
  if (!s.ok()) return s;
  if (rename(tmp.c_str(), path().c_str()) != 0) {
    return ErrnoError("rename " + tmp + " " + path(), errno);
  }
  guard.Disarm();
  if (const int dir_fd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    fsync(dir_fd);  // best effort: makes the rename durable
    close(dir_fd);
  }
  return Status::Ok();
}

Result<std::optional<SignedList>> RootListCache::Load() const {
  const std::string file = path();
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<SignedList>();
    return ErrnoError("read " + file, errno);
  }
  std::string content;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      return ErrnoError("read " + file, err);
    }
    content.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  Result<SignedList> list = DecodeCacheFile(content);
  if (!list.ok()) return Status(list.status().code(), file + ": " + list.status().message());
  return std::optional<SignedList>(std::move(list).value());
}

}  // namespace repram::trust
