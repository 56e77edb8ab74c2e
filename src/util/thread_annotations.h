#pragma once

// Clang thread-safety analysis attributes (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html),
// in the style of Abseil's absl/base/thread_annotations.h. scripts/sanitize.sh builds
// with clang and -Wthread-safety as errors; under GCC they expand to nothing.

#if defined(__clang__)
#define REPRAM_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define REPRAM_THREAD_ANNOTATION(x)
#endif

// A class whose instances are capabilities (a mutex).
#define CAPABILITY(name) REPRAM_THREAD_ANNOTATION(capability(name))
// An RAII class that acquires a capability in its constructor and releases it in its destructor.
#define SCOPED_CAPABILITY REPRAM_THREAD_ANNOTATION(scoped_lockable)
// The member may be read or written only while holding the capability.
#define GUARDED_BY(x) REPRAM_THREAD_ANNOTATION(guarded_by(x))
// The function must be called with the capabilities held.
#define REQUIRES(...) REPRAM_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// The function must not be called with the capabilities held (it takes them itself, or must
// not run under them).
#define EXCLUDES(...) REPRAM_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// The function acquires / releases the capabilities (exclusively or shared).
#define ACQUIRE(...) REPRAM_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) REPRAM_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) REPRAM_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) REPRAM_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
// From here on the analysis assumes the capability held (at least shared).
#define ASSERT_SHARED_CAPABILITY(x) REPRAM_THREAD_ANNOTATION(assert_shared_capability(x))
// Turns the analysis off for one function (say why where it is used).
#define NO_THREAD_SAFETY_ANALYSIS REPRAM_THREAD_ANNOTATION(no_thread_safety_analysis)
