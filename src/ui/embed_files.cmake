# Writes a C++ source that embeds files as byte strings (run by src/ui/CMakeLists.txt at build
# time; CMake itself is the tool, so no xxd or script interpreter is needed).
# Input: -DOUTPUT=<.cc to write> -DINPUT_DIR=<folder> -DNAMES=<comma-separated file names>.
string(REPLACE "," ";" names "${NAMES}")
set(entries "")
set(arrays "")
set(index 0)
foreach(name IN LISTS names)
  file(READ "${INPUT_DIR}/${name}" hex HEX)
  file(SHA256 "${INPUT_DIR}/${name}" sha256)
  file(SIZE "${INPUT_DIR}/${name}" size)
  # 32 bytes (64 hex digits) per source line, each byte as a \xNN escape.
  string(LENGTH "${hex}" hex_length)
  set(lines "")
  set(offset 0)
  while(offset LESS hex_length)
    string(SUBSTRING "${hex}" ${offset} 64 chunk)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" chunk "${chunk}")
    string(APPEND lines "\n    \"${chunk}\"")
    math(EXPR offset "${offset} + 64")
  endwhile()
  if(lines STREQUAL "")
    set(lines " \"\"")
  endif()
  string(APPEND arrays "constexpr char kFile${index}[] =${lines};\n")
  string(APPEND entries "      {\"${name}\", std::string_view(kFile${index}, ${size}), \"${sha256}\"},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from src/ui/assets by src/ui/embed_files.cmake; do not edit.
#include \"ui/embedded_files.h\"

namespace repram::ui {
namespace {

${arrays}
}  // namespace

std::span<const EmbeddedFile> EmbeddedFiles() {
  static constexpr EmbeddedFile kFiles[] = {
${entries}  };
  return kFiles;
}

}  // namespace repram::ui
")
# Rewrite only on change, so that an unchanged asset set does not recompile.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
