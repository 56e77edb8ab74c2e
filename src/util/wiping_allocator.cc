// The `repram` executable's global operator new/delete (linked only there): every block is
// zeroed before it goes back to malloc, so a value's bytes do not outlive the string, buffer or
// JSON node that held them (the promise that expiry destroys data, README "Expiry is
// destruction"). Written by hand because the library alternative falls short: glibc's
// M_PERTURB fills freed chunks too, but not the ones it keeps in its per-thread cache (tcache),
// which is where most small blocks go. Every form of new is replaced along with delete so that
// both sides use malloc (ASan would otherwise report its own new freed by our delete).
#include <malloc.h>

#include <cstdlib>
#include <new>

#include "util/secure_wipe.h"

namespace {

// Returns size bytes aligned to align (0 = malloc's own alignment), or nullptr once the
// new-handler gives up.
void* TryAllocate(size_t size, size_t align) noexcept {
  if (size == 0) size = 1;
  for (;;) {
    void* p = nullptr;
    if (align == 0) {
      p = std::malloc(size);
    } else if (posix_memalign(&p, align, size) != 0) {
      p = nullptr;
    }
    if (p != nullptr) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) return nullptr;
    try {
      handler();
    } catch (...) {
      return nullptr;
    }
  }
}

void* Allocate(size_t size, size_t align) {
  void* p = TryAllocate(size, align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// Zeroes the first n bytes of p and frees it. The sized deletes pass what the matching new was
// asked for (nothing writes past it), which saves asking malloc for the block's usable size.
void ReleaseSized(void* p, size_t n) noexcept {
  if (p == nullptr) return;
  repram::SecureWipe(p, n);
  std::free(p);
}

void Release(void* p) noexcept {
  if (p != nullptr) ReleaseSized(p, malloc_usable_size(p));
}

size_t Align(std::align_val_t a) { return static_cast<size_t>(a); }

}  // namespace

void* operator new(size_t n) { return Allocate(n, 0); }
void* operator new[](size_t n) { return Allocate(n, 0); }
void* operator new(size_t n, std::align_val_t a) { return Allocate(n, Align(a)); }
void* operator new[](size_t n, std::align_val_t a) { return Allocate(n, Align(a)); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return TryAllocate(n, 0); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return TryAllocate(n, 0); }
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return TryAllocate(n, Align(a));
}
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return TryAllocate(n, Align(a));
}

void operator delete(void* p) noexcept { Release(p); }
void operator delete[](void* p) noexcept { Release(p); }
void operator delete(void* p, size_t n) noexcept { ReleaseSized(p, n); }
void operator delete[](void* p, size_t n) noexcept { ReleaseSized(p, n); }
void operator delete(void* p, std::align_val_t) noexcept { Release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { Release(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { Release(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { Release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { Release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { Release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { Release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { Release(p); }
