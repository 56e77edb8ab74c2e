#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "util/testing/vectors_dir.h"

namespace repram::cluster::testing {

// Returns the parsed test-vector file tests/vectors/<name>.
inline nlohmann::json LoadVectors(const std::string& name) {
  std::ifstream in(std::string(repram::testing::kVectorsDir) + "/" + name);
  if (!in) throw std::runtime_error("cannot open vector file " + name);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

// Returns the lowercase hex of bytes.
inline std::string ToHex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

}  // namespace repram::cluster::testing
