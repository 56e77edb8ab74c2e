#include "ui/assets.h"

#include <map>

#include "ui/embedded_files.h"

namespace repram::ui {
namespace {

constexpr std::string_view kPageName = "index.html";

std::string_view ContentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// Raw path -> asset, built once from the embedded files.
const std::map<std::string, Asset, std::less<>>& AssetsByPath() {
  static const auto* const kAssets = [] {
    auto* assets = new std::map<std::string, Asset, std::less<>>();
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      Asset asset{.content_type = ContentTypeOf(f.name),
                  .body = f.bytes,
                  .etag = "\"" + std::string(f.sha256.substr(0, 16)) + "\""};
      if (f.name == kPageName) assets->emplace(kPagePath, asset);
      assets->emplace(std::string(kAssetPrefix) + std::string(f.name), std::move(asset));
    }
    return assets;
  }();
  return *kAssets;
}

}  // namespace

const Asset* FindAsset(std::string_view path) {
  const auto& assets = AssetsByPath();
  const auto it = assets.find(path);
  return it == assets.end() ? nullptr : &it->second;
}

}  // namespace repram::ui
