#include "trust/root_list_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "trust/testing/temp_dir.h"
#include "util/base64.h"

namespace repram::trust {
namespace {

namespace fs = std::filesystem;
using testing::ScopedTempDir;

const std::string kSigB64 =
    "e1e0+kZgixx+jlqvKKaL42rHEUxiGBR/P+JTHZPUR805xzFfTEnzlDvqQsejLJuDiKEnYdThl/AtQXGCwajkCw==";

SignedList SampleList() {
  return SignedList{
      "omega-v1", 1900000000, {"root-c:9090", "root-a:9090"}, *DecodeBase64Strict(kSigB64)};
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path) << content;
}

int CountEntries(const std::string& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(CacheFileTest, EncodesCompactJsonInReceivedOrderWithNewline) {
  EXPECT_EQ(EncodeCacheFile(SampleList()),
            "{\"version\":\"omega-v1\",\"expires\":1900000000,\"nodes\":[\"root-c:9090\","
            "\"root-a:9090\"],\"signature\":\"" +
                kSigB64 + "\"}\n");
}

TEST(CacheFileTest, DecodesWhatItEncodes) {
  Result<SignedList> list = DecodeCacheFile(EncodeCacheFile(SampleList()));
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(*list, SampleList());
}

TEST(CacheFileTest, IgnoresUnknownKeysAndAMissingNewline) {
  Result<SignedList> list = DecodeCacheFile(
      "{\"extra\":[1,2],\"version\":\"omega-v1\",\"expires\":5,\"nodes\":[\"a:1\"],"
      "\"signature\":\"" +
      kSigB64 + "\"}");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->exp, 5);
}

TEST(CacheFileTest, RejectsInvalidJson) {
  EXPECT_EQ(DecodeCacheFile("{\"version\":").status().message(), "invalid JSON");
  EXPECT_EQ(DecodeCacheFile("[1]").status().message(), "invalid JSON");
}

TEST(CacheFileTest, RejectsMissingOrMistypedKeys) {
  const std::string sig = "\"signature\":\"" + kSigB64 + "\"";
  EXPECT_EQ(DecodeCacheFile("{\"expires\":5,\"nodes\":[]," + sig + "}").status().message(),
            "missing or mistyped key \"version\"");
  EXPECT_EQ(DecodeCacheFile("{\"version\":\"v\",\"expires\":\"5\",\"nodes\":[]," + sig + "}")
                .status()
                .message(),
            "missing or mistyped key \"expires\"");
  EXPECT_EQ(DecodeCacheFile("{\"version\":\"v\",\"expires\":5.5,\"nodes\":[]," + sig + "}")
                .status()
                .message(),
            "missing or mistyped key \"expires\"");
  EXPECT_EQ(DecodeCacheFile("{\"version\":\"v\",\"expires\":18446744073709551615,\"nodes\":[]," +
                            sig + "}")
                .status()
                .message(),
            "missing or mistyped key \"expires\"");
  EXPECT_EQ(DecodeCacheFile("{\"version\":\"v\",\"expires\":5,\"nodes\":[1]," + sig + "}")
                .status()
                .message(),
            "missing or mistyped key \"nodes\"");
  EXPECT_EQ(DecodeCacheFile("{\"version\":\"v\",\"expires\":5,\"nodes\":[]}").status().message(),
            "missing or mistyped key \"signature\"");
}

TEST(CacheFileTest, RejectsNonStrictBase64Signature) {
  const std::string unpadded = kSigB64.substr(0, kSigB64.size() - 2);
  EXPECT_EQ(DecodeCacheFile("{\"version\":\"v\",\"expires\":5,\"nodes\":[],\"signature\":\"" +
                            unpadded + "\"}")
                .status()
                .message(),
            "signature is not valid base64");
}

TEST(RootListCacheTest, SaveCreatesPrivateDirectoriesAndFile) {
  ScopedTempDir tmp;
  const std::string dir = tmp.path() + "/a/b/cache";
  const RootListCache cache(dir);
  ASSERT_TRUE(cache.Save(SampleList()).ok());
  EXPECT_EQ(cache.path(), dir + "/root-list.json");
  EXPECT_EQ(ModeOf(tmp.path() + "/a"), 0700u);
  EXPECT_EQ(ModeOf(dir), 0700u);
  EXPECT_EQ(ModeOf(cache.path()), 0600u);
  EXPECT_EQ(ReadFile(cache.path()), EncodeCacheFile(SampleList()));
  EXPECT_EQ(CountEntries(dir), 1);  // no temporary file left behind
}

TEST(RootListCacheTest, SaveLeavesAnExistingDirectoryModeAlone) {
  ScopedTempDir tmp;
  ASSERT_EQ(chmod(tmp.path().c_str(), 0755), 0);
  ASSERT_TRUE(RootListCache(tmp.path()).Save(SampleList()).ok());
  EXPECT_EQ(ModeOf(tmp.path()), 0755u);
}

TEST(RootListCacheTest, SaveReplacesTheFileByRenameNotInPlace) {
  ScopedTempDir tmp;
  const RootListCache cache(tmp.path());
  ASSERT_TRUE(cache.Save(SampleList()).ok());
  const int old_fd = open(cache.path().c_str(), O_RDONLY);
  ASSERT_GE(old_fd, 0);
  struct stat before {};
  fstat(old_fd, &before);

  SignedList newer = SampleList();
  newer.exp = 1900000500;
  ASSERT_TRUE(cache.Save(newer).ok());

  struct stat after {};
  ASSERT_EQ(stat(cache.path().c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  char buf[256] = {};
  ASSERT_GT(pread(old_fd, buf, sizeof(buf) - 1, 0), 0);
  close(old_fd);
  EXPECT_EQ(std::string(buf), EncodeCacheFile(SampleList()));  // old readers keep the old file
  EXPECT_EQ(cache.Load().value()->exp, 1900000500);
  EXPECT_EQ(CountEntries(tmp.path()), 1);
}

TEST(RootListCacheTest, FailedRenameRemovesTheTemporaryFile) {
  ScopedTempDir tmp;
  const RootListCache cache(tmp.path());
  fs::create_directory(cache.path());  // a non-empty directory cannot be renamed over
  WriteFile(cache.path() + "/keep", "x");
  const Status s = cache.Save(SampleList());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("rename " + cache.path() + ".", 0), 0u) << s.message();
  EXPECT_EQ(CountEntries(tmp.path()), 1);
}

TEST(RootListCacheTest, SaveFailsWhenTheDirectoryCannotBeCreated) {
  ScopedTempDir tmp;
  WriteFile(tmp.path() + "/file", "x");
  const Status s = RootListCache(tmp.path() + "/file/cache").Save(SampleList());
  EXPECT_EQ(s.message(), "mkdir " + tmp.path() + "/file/cache: Not a directory");
}

TEST(RootListCacheTest, LoadReportsAbsentFileAsNoCache) {
  ScopedTempDir tmp;
  Result<std::optional<SignedList>> loaded = RootListCache(tmp.path() + "/nope").Load();
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
}

TEST(RootListCacheTest, LoadReturnsTheSavedList) {
  ScopedTempDir tmp;
  const RootListCache cache(tmp.path());
  ASSERT_TRUE(cache.Save(SampleList()).ok());
  Result<std::optional<SignedList>> loaded = cache.Load();
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(**loaded, SampleList());
}

TEST(RootListCacheTest, LoadPrefixesFormatErrorsWithThePath) {
  ScopedTempDir tmp;
  const RootListCache cache(tmp.path());
  WriteFile(cache.path(), "not json");
  EXPECT_EQ(cache.Load().status().message(), cache.path() + ": invalid JSON");
}

TEST(RootListCacheTest, LoadReportsUnreadableFile) {
  ScopedTempDir tmp;
  const RootListCache cache(tmp.path());
  fs::create_directory(cache.path());
  EXPECT_EQ(cache.Load().status().message(), "read " + cache.path() + ": Is a directory");
}

}  // namespace
}  // namespace repram::trust
