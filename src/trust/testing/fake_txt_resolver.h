#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "trust/txt_resolver.h"

namespace repram::trust::testing {

// A TxtResolver answering from a table (test-only, single-threaded). Lookups wait until the test
// calls RunPending(), which also runs lookups started by the callbacks it runs.
class FakeTxtResolver final : public TxtResolver {
 public:
  struct Lookup {
    LookupId id;
    std::string name;
    Duration timeout;
  };

  // Sets the answer for name; names without one fail with "lookup <name>: Domain name not found".
  void Answer(const std::string& name, Result<std::vector<std::string>> answer) {
    answers_.insert_or_assign(name, std::move(answer));
  }
  // Delivers the oldest pending lookup. REQUIRES: pending() > 0.
  void RunOne() {
    auto node = pending_.extract(pending_.begin());
    const std::string& name = node.mapped().first.name;
    const auto it = answers_.find(name);
    node.mapped().second(it != answers_.end() ? it->second
                                              : Result<std::vector<std::string>>(Status(
                                                    StatusCode::kNotFound,
                                                    "lookup " + name + ": Domain name not found")));
  }
  // Delivers every pending lookup, in order, until none is left.
  void RunPending() {
    while (!pending_.empty()) RunOne();
  }
  const std::vector<Lookup>& started() const { return started_; }
  const std::set<LookupId>& cancelled() const { return cancelled_; }

  LookupId LookupTxt(std::string name, Duration timeout, Callback done) override {
    const LookupId id = next_id_++;
    Lookup lookup{id, std::move(name), timeout};
    started_.push_back(lookup);
    pending_.emplace(id, std::make_pair(std::move(lookup), std::move(done)));
    return id;
  }
  void Cancel(LookupId id) override {
    cancelled_.insert(id);
    pending_.erase(id);
  }

 private:
  LookupId next_id_ = 1;
  std::map<std::string, Result<std::vector<std::string>>> answers_;
  std::map<LookupId, std::pair<Lookup, Callback>> pending_;
  std::vector<Lookup> started_;
  std::set<LookupId> cancelled_;
};

}  // namespace repram::trust::testing
