#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "cluster/bootstrap_codec.h"
#include "cluster/node_info.h"
#include "cluster/transport.h"

namespace repram::cluster {

// What one bootstrap pass learned.
struct SeedFetchResult {
  std::vector<NodeInfo> peers;  // merged in seed-list order, own id dropped, first id wins
  size_t contacted = 0;         // seeds asked (after the self skip)
  size_t succeeded = 0;         // seeds that answered 200 with success:true
};

// The joiner side of bootstrap (cluster.md §7.3 steps 1-4) without the membership update: skips
// seeds equal to `self_seed` ("address:http_port", after trimming), POSTs the request to every
// other seed with at most 8 in flight, and merges the answers in seed order.
// Thread-safe; each Fetch runs independently.
class SeedFetcher {
 public:
  static constexpr size_t kMaxInFlight = 8;

  // REQUIRES: transport outlives every pending fetch.
  SeedFetcher(Transport& transport, std::string secret)
      : transport_(transport), secret_(std::move(secret)) {}

  // Bootstraps from seeds on behalf of self and calls done exactly once with the merged result
  // (synchronously when no seed remains or the transport completes synchronously).
  void Fetch(const std::vector<std::string>& seeds, const BootstrapRequest& self,
             std::function<void(SeedFetchResult)> done) const;

 private:
  Transport& transport_;
  const std::string secret_;
};

}  // namespace repram::cluster
