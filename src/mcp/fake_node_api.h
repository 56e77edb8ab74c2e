#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "mcp/node_api.h"
#include "mcp/tool_catalog.h"
#include "util/fake_clock.h"
#include "util/mutex.h"

namespace repram::mcp {

// Test double of NodeApi: an in-memory TTL map on a FakeClock with the http-api.md §4 TTL rule,
// an optional capacity, a switch between quorum observed (201) and pending (202), and a deferred
// mode that holds completions until the test releases them. Thread-safe (tests poll it from
// another thread while a transport runs).
class FakeNodeApi final : public NodeApi {
 public:
  explicit FakeNodeApi(FakeClock& clock, TtlBounds bounds = {}) : clock_(clock), bounds_(bounds) {}

  // Makes writes report quorum pending (HTTP 202) instead of observed (201).
  void set_replicated(bool replicated) {
    MutexLock lock(mu_);
    replicated_ = replicated;
  }
  // Sets the payload capacity in bytes (0 = unlimited).
  void set_capacity(size_t bytes) {
    MutexLock lock(mu_);
    capacity_ = bytes;
  }
  // Makes every operation fail with status (nullopt = succeed).
  void set_failure(std::optional<Status> status) {
    MutexLock lock(mu_);
    failure_ = std::move(status);
  }
  // Holds completions until CompleteNewest/CompleteAll instead of completing synchronously.
  void set_deferred(bool deferred) {
    MutexLock lock(mu_);
    deferred_ = deferred;
  }
  // Returns how many completions are held.
  size_t pending() const {
    MutexLock lock(mu_);
    return held_.size();
  }
  // Runs the most recently held completion. REQUIRES: pending() > 0.
  void CompleteNewest() {
    std::function<void()> fn;
    {
      MutexLock lock(mu_);
      fn = std::move(held_.back());
      held_.pop_back();
    }
    fn();
  }
  // Returns the TTL argument of the last Store and the limit of the last ListKeys.
  std::optional<int64_t> last_store_ttl() const {
    MutexLock lock(mu_);
    return last_store_ttl_;
  }
  int64_t last_list_limit() const {
    MutexLock lock(mu_);
    return last_list_limit_;
  }

  void Store(std::string key, std::string value, std::optional<int64_t> ttl,
             StoreDone done) override {
    Result<StoreReceipt> result = [&]() -> Result<StoreReceipt> {
      MutexLock lock(mu_);
      last_store_ttl_ = ttl;
      if (failure_) return *failure_;
      const int64_t t = bounds_.Effective(ttl);
      size_t used = value.size();
      for (const auto& [k, e] : entries_) {
        if (k != key && Live(e)) used += e.value.size();
      }
      if (capacity_ != 0 && used > capacity_) {
        return Status(StatusCode::kFull, std::string(kStorageFullMessage));
      }
      const WallTime created = clock_.WallNow();
      entries_[key] =
          StoredValue{std::move(value), created, t, clock_.Now() + std::chrono::seconds(t)};
      return StoreReceipt{replicated_, t, created};
    }();
    Deliver(std::move(done), std::move(result));
  }

  void Retrieve(std::string key, RetrieveDone done) override {
    Result<std::optional<Entry>> result = [&]() -> Result<std::optional<Entry>> {
      MutexLock lock(mu_);
      if (failure_) return *failure_;
      const auto it = entries_.find(key);
      if (it == entries_.end() || !Live(it->second)) return std::optional<Entry>();
      return std::optional<Entry>(Entry{it->second.value, Meta(it->second)});
    }();
    Deliver(std::move(done), std::move(result));
  }

  void Exists(std::string key, ExistsDone done) override {
    Result<std::optional<EntryMeta>> result = [&]() -> Result<std::optional<EntryMeta>> {
      MutexLock lock(mu_);
      if (failure_) return *failure_;
      const auto it = entries_.find(key);
      if (it == entries_.end() || !Live(it->second)) return std::optional<EntryMeta>();
      return std::optional<EntryMeta>(Meta(it->second));
    }();
    Deliver(std::move(done), std::move(result));
  }

  void ListKeys(std::string prefix, std::string cursor, int64_t limit, ListDone done) override {
    Result<KeyListing> result = [&]() -> Result<KeyListing> {
      MutexLock lock(mu_);
      last_list_limit_ = limit;
      if (failure_) return *failure_;
      KeyListing page;
      for (auto it = entries_.upper_bound(cursor); it != entries_.end(); ++it) {
        if (!Live(it->second) || it->first.compare(0, prefix.size(), prefix) != 0) continue;
        if (static_cast<int64_t>(page.keys.size()) == limit) {
          page.next_cursor = page.keys.back();
          break;
        }
        page.keys.push_back(it->first);
      }
      return page;
    }();
    Deliver(std::move(done), std::move(result));
  }

 private:
  struct StoredValue {
    std::string value;
    WallTime created_at;
    int64_t ttl = 0;
    MonoTime expires_at;
  };

  bool Live(const StoredValue& e) const { return clock_.Now() < e.expires_at; }

  EntryMeta Meta(const StoredValue& e) const {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(e.expires_at - clock_.Now());
    return EntryMeta{e.created_at, e.ttl, left.count()};
  }

  // Completes now (outside the lock, as a real node would), or holds the completion.
  template <typename Done, typename R>
  void Deliver(Done done, R result) {
    std::function<void()> fn = [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    };
    {
      MutexLock lock(mu_);
      if (deferred_) {
        held_.push_back(std::move(fn));
        return;
      }
    }
    fn();
  }

  FakeClock& clock_;
  const TtlBounds bounds_;
  mutable Mutex mu_;
  std::map<std::string, StoredValue> entries_ GUARDED_BY(mu_);
  std::deque<std::function<void()>> held_ GUARDED_BY(mu_);
  bool replicated_ GUARDED_BY(mu_) = true;
  bool deferred_ GUARDED_BY(mu_) = false;
  size_t capacity_ GUARDED_BY(mu_) = 0;
  std::optional<Status> failure_ GUARDED_BY(mu_);
  std::optional<int64_t> last_store_ttl_ GUARDED_BY(mu_);
  int64_t last_list_limit_ GUARDED_BY(mu_) = 0;
};

}  // namespace repram::mcp
