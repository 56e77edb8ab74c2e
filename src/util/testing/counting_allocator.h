#pragma once

#include <cstddef>

namespace repram::testing {

// Live heap bytes of the process, counted by the replacement operator new/delete that a test
// binary gets by linking repram_counting_allocator (malloc_usable_size of every block).
// Thread-safe. Deterministic: no RSS, no timing.

// Returns the bytes currently allocated through operator new.
size_t LiveHeapBytes();
// Returns the largest LiveHeapBytes() since the last ResetPeakHeapBytes().
size_t PeakHeapBytes();
// Sets the peak to the current live bytes.
void ResetPeakHeapBytes();

}  // namespace repram::testing
