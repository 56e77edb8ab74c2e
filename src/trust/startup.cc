#include "trust/startup.h"

#include <spdlog/spdlog.h>

#include <future>

#include "trust/unix_time.h"
#include "trust/verify.h"
#include "util/rfc3339.h"

namespace repram::trust {
namespace {

Status Fatal(std::string message) { return Status(StatusCode::kUnavailable, std::move(message)); }

Result<SignedList> FetchBlocking(ListFetcher& fetcher) {
  std::promise<Result<SignedList>> promise;
  std::future<Result<SignedList>> future = promise.get_future();
  fetcher.Fetch([&promise](Result<SignedList> result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace

Result<SignedList> RunStartupFetch(ListFetcher& fetcher, const RootListCache& cache,
                                   std::span<const unsigned char> pubkey, const Clock& clock) {
  Result<SignedList> fetched = FetchBlocking(fetcher);
  if (fetched.ok()) {
    if (Status saved = cache.Save(*fetched); !saved.ok()) {
      spdlog::warn("Failed to update omega cache at {}: {} (continuing)", cache.dir(),
                   saved.message());
    }
    spdlog::info("Omega bootstrap: verified signed root list ({} nodes, expires {})",
                 fetched->nodes.size(), FormatRfc3339Seconds(fetched->exp));
    return fetched;
  }

  const std::string& fetch_error = fetched.status().message();
  spdlog::warn("Omega DNS fetch failed: {} \u2014 trying cached list at {}", fetch_error,
               cache.dir());
  Result<std::optional<SignedList>> cached = cache.Load();
  if (!cached.ok()) return Fatal("dns: " + fetch_error + "; cache: " + cached.status().message());
  if (!cached->has_value()) return Fatal("no DNS record and no cache available: " + fetch_error);
  const SignedList& list = **cached;
  if (Status valid = VerifySignedList(list, pubkey, UnixSeconds(clock.WallNow())); !valid.ok()) {
    return Fatal("cached omega list invalid: " + valid.message() + " (dns: " + fetch_error + ")");
  }
  spdlog::info("Omega bootstrap: using cached signed root list ({} nodes, expires {})",
               list.nodes.size(), FormatRfc3339Seconds(list.exp));
  return list;
}

}  // namespace repram::trust
