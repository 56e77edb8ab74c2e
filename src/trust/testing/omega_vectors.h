#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "util/testing/vectors_dir.h"

namespace repram::trust::testing {

// Returns the parsed tests/vectors/omega.json (test-only).
inline const nlohmann::json& OmegaVectors() {
  static const nlohmann::json vectors = [] {
    std::ifstream in(std::string(repram::testing::kVectorsDir) + "/omega.json");
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
  }();
  return vectors;
}

// Returns bytes decoded from lowercase or uppercase hex. REQUIRES: valid even-length hex.
inline std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace repram::trust::testing
