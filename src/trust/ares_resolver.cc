#include "trust/ares_resolver.h"

#include <ares.h>
#include <arpa/nameser.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "util/strings.h"

namespace repram::trust {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

constexpr int kTryTimeoutMs = 2000;
constexpr int kTries = 3;

Status LookupError(const std::string& name, const char* text) {
  return Status(StatusCode::kUnavailable, "lookup " + name + ": " + text);
}

// Creates a channel with the lookup options of trust.md §3 and, when servers_csv is non-empty,
// those servers instead of the system configuration. Returns a c-ares status.
int NewChannel(const std::string& servers_csv, ares_channel* channel) {
  ares_options options{};
  options.timeout = kTryTimeoutMs;
  options.tries = kTries;
  options.flags = 0;  // recursion desired; retry over TCP when a UDP answer is truncated
  const int rc =
      ares_init_options(channel, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
  if (rc != ARES_SUCCESS || servers_csv.empty()) return rc;
  const int set_rc = ares_set_servers_ports_csv(*channel, servers_csv.c_str());
  if (set_rc != ARES_SUCCESS) ares_destroy(*channel);
  return set_rc;
}

Result<std::vector<std::string>> ParseTxtAnswer(const std::string& name, int status,
                                                const unsigned char* abuf, int alen) {
  if (status != ARES_SUCCESS) return LookupError(name, ares_strerror(status));
  ares_txt_ext* reply = nullptr;
  const int rc = ares_parse_txt_reply_ext(abuf, alen, &reply);
  if (rc != ARES_SUCCESS) return LookupError(name, ares_strerror(rc));
  std::vector<std::string> texts;
  for (const ares_txt_ext* part = reply; part != nullptr; part = part->next) {
    if (part->record_start || texts.empty()) texts.emplace_back();
    texts.back().append(reinterpret_cast<const char*>(part->txt), part->length);
  }
  ares_free_data(reply);
  return texts;
}

timeval ToTimeval(std::chrono::steady_clock::duration d) {
  const auto us =
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(d).count());
  return timeval{static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)};
}

}  // namespace

struct AresResolver::Job {
  LookupId id = 0;
  std::string name;
  Callback done;
  SteadyTime deadline;
  ares_channel channel = nullptr;
  std::optional<Result<std::vector<std::string>>> result;  // set once finished
};

Result<std::unique_ptr<AresResolver>> AresResolver::Create(
    const std::vector<std::string>& servers) {
  static const int init_rc = ares_library_init(ARES_LIB_INIT_ALL);
  if (init_rc != ARES_SUCCESS) {
    return Status(StatusCode::kInternal, std::string("c-ares: ") + ares_strerror(init_rc));
  }
  std::string csv;
  for (const std::string& entry : servers) {
    const std::string_view trimmed = TrimSpace(entry);
    if (trimmed.empty()) continue;
    if (!csv.empty()) csv.push_back(',');
    csv.append(trimmed);
  }
  if (!csv.empty()) {
    ares_channel probe = nullptr;
    const int rc = NewChannel(csv, &probe);
    if (rc != ARES_SUCCESS) {
      return Status(StatusCode::kInvalidArgument, "REPRAM_DNS_SERVERS: invalid server list \"" +
                                                      csv + "\": " + ares_strerror(rc));
    }
    ares_destroy(probe);
  }
  const int wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    return Status(StatusCode::kInternal, std::string("eventfd: ") + std::strerror(errno));
  }
  return std::unique_ptr<AresResolver>(new AresResolver(std::move(csv), wake_fd));
}

AresResolver::AresResolver(std::string servers_csv, int wake_fd)
    : servers_csv_(std::move(servers_csv)), wake_fd_(wake_fd) {
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "repram-dns");
}

AresResolver::~AresResolver() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  Wake();
  thread_.join();
  close(wake_fd_);
}

TxtResolver::LookupId AresResolver::LookupTxt(std::string name, Duration timeout, Callback done) {
  auto job = std::make_unique<Job>();
  job->name = std::move(name);
  job->done = std::move(done);
  job->deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
  LookupId id;
  {
    MutexLock lock(mu_);
    id = next_id_++;
    job->id = id;
    queued_.push_back(std::move(job));
  }
  Wake();
  return id;
}

void AresResolver::Cancel(LookupId id) {
  {
    MutexLock lock(mu_);
    cancelled_.insert(id);
    if (std::this_thread::get_id() != thread_.get_id()) {
      while (running_callback_ == id) callback_done_.Wait(mu_);
    }
  }
  Wake();
}

void AresResolver::Wake() {
  const uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the thread is woken anyway.
  [[maybe_unused]] const ssize_t n = write(wake_fd_, &one, sizeof(one));
}

void AresResolver::StartJob(Job& job) {
  const int rc = NewChannel(servers_csv_, &job.channel);
  if (rc != ARES_SUCCESS) {
    job.channel = nullptr;
    job.result = LookupError(job.name, ares_strerror(rc));
    return;
  }
  ares_query(
      job.channel, job.name.c_str(), ns_c_in, ns_t_txt,
      [](void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
        auto* j = static_cast<Job*>(arg);
        if (j->result) return;  // already timed out, or the channel is being destroyed
        j->result = ParseTxtAnswer(j->name, status, abuf, alen);
      },
      &job);
}

void AresResolver::CompleteFinished(std::vector<std::unique_ptr<Job>>& jobs) {
  for (auto it = jobs.begin(); it != jobs.end();) {
    Job& job = **it;
    if (!job.result) {
      ++it;
      continue;
    }
    if (job.channel != nullptr) ares_destroy(job.channel);
    bool run = false;
    {
      MutexLock lock(mu_);
      run = cancelled_.erase(job.id) == 0;
      if (run) running_callback_ = job.id;
    }
    if (run) {
      job.done(std::move(*job.result));
      {
        MutexLock lock(mu_);
        running_callback_ = 0;
      }
      callback_done_.NotifyAll();
    }
    it = jobs.erase(it);
  }
}

void AresResolver::Run() {
  std::vector<std::unique_ptr<Job>> active;
  std::vector<pollfd> fds;
  std::vector<Job*> owners;
  for (;;) {
    std::deque<std::unique_ptr<Job>> fresh;
    std::set<LookupId> cancels;
    {
      MutexLock lock(mu_);
      if (stopping_) break;
      fresh.swap(queued_);
      cancels.swap(cancelled_);
    }
    for (auto& job : fresh) {
      if (cancels.count(job->id) > 0) continue;
      StartJob(*job);
      active.push_back(std::move(job));
    }
    std::erase_if(active, [&](const std::unique_ptr<Job>& job) {
      if (cancels.count(job->id) == 0) return false;
      if (!job->result) job->result = Status(StatusCode::kUnavailable, "cancelled");
      if (job->channel != nullptr) ares_destroy(job->channel);
      return true;
    });
    CompleteFinished(active);

    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    owners.assign(1, nullptr);
    const SteadyTime now = std::chrono::steady_clock::now();
    std::optional<std::chrono::microseconds> wait;
    for (const auto& job : active) {
      ares_socket_t socks[ARES_GETSOCK_MAXNUM];
      const int bits = ares_getsock(job->channel, socks, ARES_GETSOCK_MAXNUM);
      for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
        short events = 0;
        if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
        if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
        if (events == 0) continue;
        fds.push_back(pollfd{socks[i], events, 0});
        owners.push_back(job.get());
      }
      timeval max_tv = ToTimeval(job->deadline - now);
      timeval tv{};
      const timeval* next = ares_timeout(job->channel, &max_tv, &tv);
      const std::chrono::microseconds d(int64_t{next->tv_sec} * 1'000'000 + next->tv_usec);
      wait = wait ? std::min(*wait, d) : d;
    }
    const int timeout_ms =
        wait ? static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(*wait).count()) : -1;
    if (poll(fds.data(), fds.size(), timeout_ms) < 0) {
      for (pollfd& p : fds) p.revents = 0;  // EINTR: re-evaluate timeouts and the queue
    }
    if ((fds[0].revents & POLLIN) != 0) {
      uint64_t counter = 0;
      [[maybe_unused]] const ssize_t n = read(wake_fd_, &counter, sizeof(counter));
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      const short ev = fds[i].revents;
      if (ev == 0 || owners[i]->result) continue;
      const bool readable = (ev & (POLLIN | POLLERR | POLLHUP)) != 0;
      const bool writable = (ev & (POLLOUT | POLLERR | POLLHUP)) != 0;
      ares_process_fd(owners[i]->channel, readable ? fds[i].fd : ARES_SOCKET_BAD,
                      writable ? fds[i].fd : ARES_SOCKET_BAD);
    }
    const SteadyTime after = std::chrono::steady_clock::now();
    for (const auto& job : active) {
      if (job->result) continue;
      ares_process_fd(job->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // handles c-ares timeouts
      if (!job->result && after >= job->deadline) {
        job->result = LookupError(job->name, ares_strerror(ARES_ETIMEOUT));
      }
    }
    CompleteFinished(active);
  }
  for (const auto& job : active) {
    if (!job->result) job->result = Status(StatusCode::kUnavailable, "resolver stopped");
    if (job->channel != nullptr) ares_destroy(job->channel);
  }
}

}  // namespace repram::trust
