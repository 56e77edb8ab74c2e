#include "ui/assets.h"

#include <gtest/gtest.h>

#include "ui/embedded_files.h"

namespace repram::ui {
namespace {

TEST(AssetsTest, PageIsServedAtRootAndUnderUi) {
  const Asset* page = FindAsset("/");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(page->body.starts_with("<!doctype html>"));
  const Asset* same = FindAsset("/ui/index.html");
  ASSERT_NE(same, nullptr);
  EXPECT_EQ(same->body, page->body);
  EXPECT_EQ(same->etag, page->etag);
}

TEST(AssetsTest, ScriptStyleAndIconHaveTheirContentTypes) {
  const Asset* js = FindAsset("/ui/dashboard.js");
  const Asset* css = FindAsset("/ui/dashboard.css");
  const Asset* icon = FindAsset("/ui/favicon.svg");
  ASSERT_NE(js, nullptr);
  ASSERT_NE(css, nullptr);
  ASSERT_NE(icon, nullptr);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(icon->content_type, "image/svg+xml");
}

TEST(AssetsTest, EmbeddedBytesAreTheFilesWithADistinctQuotedEtagEach) {
  const Asset* js = FindAsset("/ui/dashboard.js");
  const Asset* css = FindAsset("/ui/dashboard.css");
  ASSERT_NE(js, nullptr);
  ASSERT_NE(css, nullptr);
  EXPECT_NE(js->body.find("/v1/metrics"), std::string_view::npos);
  EXPECT_EQ(js->etag.size(), 18u);
  EXPECT_EQ(js->etag.front(), '"');
  EXPECT_EQ(js->etag.back(), '"');
  EXPECT_NE(js->etag, css->etag);
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    EXPECT_EQ(f.sha256.size(), 64u) << f.name;
    EXPECT_FALSE(f.bytes.empty()) << f.name;
  }
}

TEST(AssetsTest, UnknownOrSimilarPathsHaveNoAsset) {
  for (const char* path : {"/ui/", "/ui/nope.js", "/ui", "/index.html", "/ui/dashboard.js/",
                           "/ui//dashboard.js", "/UI/dashboard.js", "/ui/dashboard.js?x", ""}) {
    EXPECT_EQ(FindAsset(path), nullptr) << path;
  }
}

}  // namespace
}  // namespace repram::ui
