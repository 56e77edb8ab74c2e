#include "util/testing/counting_allocator.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace repram::testing {
namespace {

std::atomic<size_t> live_bytes{0};
std::atomic<size_t> peak_bytes{0};

void* Allocate(size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  const size_t live = live_bytes.fetch_add(malloc_usable_size(p)) + malloc_usable_size(p);
  size_t peak = peak_bytes.load(std::memory_order_relaxed);
  while (live > peak && !peak_bytes.compare_exchange_weak(peak, live)) {
  }
  return p;
}

void Release(void* p) noexcept {
  if (p == nullptr) return;
  live_bytes.fetch_sub(malloc_usable_size(p));
  std::free(p);
}

}  // namespace

size_t LiveHeapBytes() { return live_bytes.load(); }
size_t PeakHeapBytes() { return peak_bytes.load(); }
void ResetPeakHeapBytes() { peak_bytes.store(live_bytes.load()); }

}  // namespace repram::testing

void* operator new(size_t size) { return repram::testing::Allocate(size); }
void* operator new[](size_t size) { return repram::testing::Allocate(size); }
void operator delete(void* p) noexcept { repram::testing::Release(p); }
void operator delete[](void* p) noexcept { repram::testing::Release(p); }
void operator delete(void* p, size_t) noexcept { repram::testing::Release(p); }
void operator delete[](void* p, size_t) noexcept { repram::testing::Release(p); }
