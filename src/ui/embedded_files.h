#pragma once

#include <span>
#include <string_view>

namespace repram::ui {

// One file of src/ui/assets, embedded at build time.
struct EmbeddedFile {
  std::string_view name;    // file name, e.g. "dashboard.js"
  std::string_view bytes;   // exact content
  std::string_view sha256;  // hex digest of the content
};

// Returns every embedded file (defined in the source embed_files.cmake generates).
std::span<const EmbeddedFile> EmbeddedFiles();

}  // namespace repram::ui
