#pragma once

#include <string>
#include <string_view>

namespace repram::ui {

// A dashboard file as the node serves it.
struct Asset {
  std::string_view content_type;
  std::string_view body;
  std::string etag;  // strong validator, quoted: a prefix of the content's SHA-256
};

// The page is served at "/" and every file (the page too) at "/ui/<name>".
inline constexpr std::string_view kPagePath = "/";
inline constexpr std::string_view kAssetPrefix = "/ui/";

// Returns the dashboard file served at a raw request path, or nullptr when there is none.
const Asset* FindAsset(std::string_view path);

}  // namespace repram::ui
