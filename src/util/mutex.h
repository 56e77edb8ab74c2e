#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#include "util/thread_annotations.h"

namespace repram {

// std::mutex declared as a capability, so clang checks GUARDED_BY / REQUIRES against it
// (libstdc++'s mutexes carry no attributes). Held through MutexLock; waited on with CondVar.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Blocks until the calling thread holds the mutex.
  void Lock() ACQUIRE() { mu_.lock(); }
  // Releases the mutex. REQUIRES: held by the calling thread.
  void Unlock() RELEASE() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds a Mutex from construction to the end of the scope; Unlock() and Lock() let a scope leave
// the critical section for a while (e.g. to call out) and come back.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() RELEASE() {
    if (held_) mu_.Unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  // Releases the mutex before the end of the scope. REQUIRES: held.
  void Unlock() RELEASE() {
    mu_.Unlock();
    held_ = false;
  }
  // Takes the mutex again after Unlock(). REQUIRES: not held.
  void Lock() ACQUIRE() {
    mu_.Lock();
    held_ = true;
  }

 private:
  Mutex& mu_;
  bool held_ = true;
};

// A condition variable for a Mutex. A wait releases the mutex while blocked and holds it again
// when it returns; wake-ups may be spurious, so callers re-check their condition in a loop
// (which also keeps the guarded reads where the analysis sees the lock held).
class CondVar {
 public:
  // Blocks until notified (or woken spuriously). REQUIRES: mu held by the calling thread.
  void Wait(Mutex& mu) REQUIRES(mu) {
    std::unique_lock lock(mu.mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held: ownership stays with the caller's MutexLock
  }
  // Like Wait, but gives up at deadline: returns false when it timed out.
  bool WaitUntil(Mutex& mu, std::chrono::steady_clock::time_point deadline) REQUIRES(mu) {
    std::unique_lock lock(mu.mu_, std::adopt_lock);
    const bool notified = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return notified;
  }
  // Wakes every waiting thread.
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

// std::shared_mutex declared as a capability: exclusive for writers, shared for readers.
class CAPABILITY("shared mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  // Blocks until the calling thread holds the mutex exclusively.
  void Lock() ACQUIRE() { mu_.lock(); }
  // Releases exclusive ownership. REQUIRES: held exclusively by the calling thread.
  void Unlock() RELEASE() { mu_.unlock(); }
  // Blocks until the calling thread holds the mutex shared.
  void ReaderLock() ACQUIRE_SHARED() { mu_.lock_shared(); }
  // Releases shared ownership. REQUIRES: held shared by the calling thread.
  void ReaderUnlock() RELEASE_SHARED() { mu_.unlock_shared(); }
  // Tells the analysis that the caller holds the mutex at least shared; no runtime check. For
  // locks taken in a loop, which the analysis cannot follow.
  void AssertReaderHeld() const ASSERT_SHARED_CAPABILITY(this) {}

 private:
  std::shared_mutex mu_;
};

// Holds a SharedMutex exclusively from construction to the end of the scope.
class SCOPED_CAPABILITY WriterMutexLock {
 public:
  explicit WriterMutexLock(SharedMutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~WriterMutexLock() RELEASE() { mu_.Unlock(); }
  WriterMutexLock(const WriterMutexLock&) = delete;
  WriterMutexLock& operator=(const WriterMutexLock&) = delete;

 private:
  SharedMutex& mu_;
};

// Holds a SharedMutex shared from construction to the end of the scope.
class SCOPED_CAPABILITY ReaderMutexLock {
 public:
  explicit ReaderMutexLock(SharedMutex& mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu_.ReaderLock(); }
  ~ReaderMutexLock() RELEASE() { mu_.ReaderUnlock(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  SharedMutex& mu_;
};

}  // namespace repram
