// The repram executable: `repram` runs a node; `repram mcp` runs the MCP server over stdio;
// `repram put|get|ttl|keys|status|topology|health` are clients of a running node.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include "app/cli/client_commands.h"
#include "app/config.h"
#include "app/logging.h"
#include "app/node.h"
#include "http/client.h"
#include "http/io_pool.h"
#include "mcp/remote_node_api.h"
#include "mcp/stdio_transport.h"

extern char** environ;

namespace repram {
namespace {

// Collects REPRAM_* from the environment; flags set on the command line win.
std::map<std::string, std::string> CollectSettings(
    const std::map<std::string, std::string>& flags) {
  std::map<std::string, std::string> settings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string name(entry.substr(0, eq));
    if (name.starts_with("REPRAM_")) settings[name] = entry.substr(eq + 1);
  }
  for (const auto& [name, value] : flags) settings[name] = value;
  return settings;
}

// Blocks SIGTERM/SIGINT in every thread (so the I/O threads inherit the mask) and returns the set
// for sigwait on the main thread.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int RunServer(const std::map<std::string, std::string>& flags) {
  auto config = BuildConfig(CollectSettings(flags), ConfigProfile::kServer);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  SetUpLogging(config->log_level, config->log_json);
  for (const auto& w : config->warnings) spdlog::warn("{}", w);
  const sigset_t signals = BlockShutdownSignals();
  Node node(std::move(config).value());
  auto port = node.Start();
  if (!port.ok()) {
    if (!port.status().logged()) spdlog::error("{}", port.status().message());
    return 1;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  node.Shutdown();
  return 0;
}

// mcp::HttpSender over HttpClient, for REPRAM_URL mode.
mcp::HttpSender SenderOver(http::HttpClient& client) {
  return [&client](mcp::RemoteRequest req, std::function<void(mcp::RemoteResponse)> done) {
    http::ClientRequest out;
    out.host = std::move(req.host);
    out.port = req.port;
    out.method = boost::beast::http::string_to_verb(req.method);
    out.target = std::move(req.target);
    out.headers = std::move(req.headers);
    out.body = std::move(req.body);
    out.timeout = req.timeout;
    client.Send(std::move(out), [done = std::move(done)](http::ClientResult r) {
      mcp::RemoteResponse resp;
      if (r.ec) resp.error = r.ec.message();
      resp.status = r.status;
      resp.headers = std::move(r.headers);
      resp.body = std::move(r.body);
      done(std::move(resp));
    });
  };
}

// Remote mode ignores every REPRAM_* variable except REPRAM_URL and the two that shape the
// process's own logs (mcp.md §3.1): a node setting, even an invalid one, cannot stop it.
std::map<std::string, std::string> RemoteModeSettings(std::map<std::string, std::string> all) {
  std::map<std::string, std::string> kept;
  for (const char* name : {"REPRAM_URL", "REPRAM_LOG_LEVEL", "REPRAM_LOG_FORMAT"}) {
    if (auto it = all.find(name); it != all.end()) kept.insert(all.extract(it));
  }
  return kept;
}

// Serves MCP on stdin/stdout until stdin EOF or SIGTERM/SIGINT, which end the same way
// (mcp.md §3): drain the requests in flight, then `stop`. REQUIRES: `signals` blocked in every
// thread. A read blocked on stdin cannot be interrupted, so after a signal the process exits
// from the signal thread with 0 once the transport has drained and `stop` has returned.
int ServeStdio(const mcp::McpServer& server, const sigset_t& signals,
               const std::function<void()>& stop) {
  mcp::StdioTransport transport(server, std::cout);
  std::atomic<bool> stdin_closed{false};
  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (stdin_closed.load()) return;  // woken by the main thread below
    spdlog::info("mcp: signal {} received; stopping", sig);
    transport.Drain(mcp::StdioOptions{}.drain_timeout);
    stop();
    std::_Exit(0);
  });
  const int rc = transport.Run(std::cin);
  stdin_closed.store(true);
  // Wakes signal_waiter's sigwait, which treats it as a stop: not a kill.
  // NOLINTNEXTLINE(bugprone-bad-signal-to-kill-thread)
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  stop();
  return rc;
}

// `repram mcp`: MCP over stdio, with an embedded node or the node at REPRAM_URL (mcp.md §3).
// stdout carries only JSON-RPC; logs go to stderr.
int RunMcp(const std::map<std::string, std::string>& flags) {
  std::ios::sync_with_stdio(false);
  auto settings = CollectSettings(flags);
  if (auto url = settings.find("REPRAM_URL"); url != settings.end() && !url->second.empty()) {
    settings = RemoteModeSettings(std::move(settings));
  }
  auto config = BuildConfig(settings, ConfigProfile::kMcpEmbedded);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  SetUpLogging(config->log_level, config->log_json);
  for (const auto& w : config->warnings) spdlog::warn("{}", w);
  const sigset_t signals = BlockShutdownSignals();
  if (!config->url.empty()) {
    auto endpoint = mcp::ParseRemoteUrl(config->url);
    if (!endpoint.ok()) {
      std::cerr << endpoint.status().message() << "\n";
      return 1;
    }
    http::IoPool pool(1);
    pool.Start();
    http::HttpClient client(pool.context(0), "repram-cpp/" REPRAM_VERSION);
    mcp::RemoteNodeApi api(*endpoint, SenderOver(client), SystemClock::Instance());
    mcp::McpServer server(api, TtlBounds{});
    return ServeStdio(server, signals, [&] {
      client.Shutdown();
      pool.Stop();
    });
  }
  Node node(std::move(config).value());
  auto port = node.Start();
  if (!port.ok()) {
    if (!port.status().logged()) spdlog::error("{}", port.status().message());
    return 1;
  }
  // mcp.md §3.1: the embedded node drains in-flight HTTP for at most 2 s.
  return ServeStdio(node.mcp_server(), signals, [&] { node.Shutdown(std::chrono::seconds(2)); });
}

}  // namespace
}  // namespace repram

int main(int argc, char** argv) {
  // A reader that went away (closed stdout of `repram mcp`, closed stderr) must not kill the
  // node: writes then fail with EPIPE and are dropped instead.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "REPRAM node: ephemeral key/value pairs in RAM, replicated by gossip.\n"
      "Every flag can also be set by the REPRAM_* environment variable shown; flags win."};
  std::map<std::string, std::string> flags;
  for (const auto& s : repram::Settings()) {
    app.add_option_function<std::string>(
           std::string("--") + s.flag,
           [&flags, env = std::string(s.env)](const std::string& v) { flags[env] = v; },
           std::string(s.help) + " (" + s.env + ")")
        ->type_name("VALUE");
  }
  app.set_version_flag("--version", "repram " REPRAM_VERSION " (commit " REPRAM_GIT_COMMIT
                                    ", " REPRAM_BUILD_TYPE ")");
  auto* mcp =
      app.add_subcommand("mcp", "Run the MCP server over stdio (embedded node or REPRAM_URL)");
  bool mcp_flag = false;
  app.add_flag("--mcp", mcp_flag, "Same as the mcp subcommand");
  repram::cli::ClientCommands client_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every other parse error is a usage error.
    return app.exit(e) == 0 ? repram::cli::kExitOk : repram::cli::kExitUsage;
  }
  std::optional<std::string> url_flag;
  if (auto it = flags.find("REPRAM_URL"); it != flags.end() && !it->second.empty()) {
    url_flag = it->second;
  }
  if (auto rc = client_commands.Run(url_flag)) return *rc;
  if (mcp->parsed() || mcp_flag) return repram::RunMcp(flags);
  return repram::RunServer(flags);
}
