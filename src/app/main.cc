// The repram executable: `repram` runs a node; `repram mcp` runs the MCP server over stdio.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <spdlog/spdlog.h>

#include "app/config.h"
#include "app/logging.h"
#include "app/node.h"

extern char** environ;

namespace repram {
namespace {

// Collects REPRAM_* (and HOME) from the environment; flags set on the command line win.
std::map<std::string, std::string> CollectSettings(
    const std::map<std::string, std::string>& flags) {
  std::map<std::string, std::string> settings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string name(entry.substr(0, eq));
    if (name.starts_with("REPRAM_") || name == "HOME") settings[name] = entry.substr(eq + 1);
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
    spdlog::error("{}", port.status().message());
    return 1;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  node.Shutdown();
  return 0;
}

}  // namespace
}  // namespace repram

int main(int argc, char** argv) {
  CLI::App app{"REPRAM node: ephemeral key/value pairs in RAM, replicated by gossip.\n"
               "Every flag can also be set by the REPRAM_* environment variable shown; flags win."};
  std::map<std::string, std::string> flags;
  std::map<std::string, std::string> values;
  for (const auto& s : repram::Settings()) {
    app.add_option_function<std::string>(
           std::string("--") + s.flag,
           [&flags, env = std::string(s.env)](const std::string& v) { flags[env] = v; },
           std::string(s.help) + " (" + s.env + ")")
        ->type_name("VALUE");
  }
  auto* mcp = app.add_subcommand("mcp", "Run the MCP server over stdio (embedded node or REPRAM_URL)");
  CLI11_PARSE(app, argc, argv);
  if (mcp->parsed()) {
    std::cerr << "repram mcp: not available in this build yet\n";
    return 2;
  }
  return repram::RunServer(flags);
}
