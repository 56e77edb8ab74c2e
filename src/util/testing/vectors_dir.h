#pragma once

namespace repram::testing {

// Absolute path of the protocol test vectors (tests/vectors/ of this checkout). Defined in every
// unit test binary by repram_cc_test (cmake/repram_helpers.cmake), in one generated file.
extern const char kVectorsDir[];

}  // namespace repram::testing
