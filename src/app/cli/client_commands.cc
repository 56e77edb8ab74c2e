#include "app/cli/client_commands.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "app/cli/node_client.h"
#include "app/cli/node_commands.h"
#include "util/strings.h"

namespace repram::cli {
namespace {

constexpr char kDefaultUrl[] = "http://127.0.0.1:8080";

// Accepts decimal integers >= 1 (CLI11's PositiveNumber would print its double range).
const CLI::Validator kPositiveInteger(
    [](const std::string& text) -> std::string {
      const auto value = ParseStrictInt(text);
      return value && *value >= 1 ? "" : "must be a positive integer, not \"" + text + "\"";
    },
    "N");

}  // namespace

ClientCommands::ClientCommands(CLI::App& app) {
  auto* put = Add(app, "put", "Store the bytes of FILE (or stdin) under KEY",
                  [this](NodeClient& c, Streams io) { return RunPut(c, put_, json_, io); });
  put->add_option("key", put_.key, "key")->required();
  put->add_option("file", put_.file, "file to read, - for stdin")->capture_default_str();
  put->add_option("--ttl", put_.ttl, "time to live in seconds [node default]")
      ->check(kPositiveInteger);

  auto* get = Add(app, "get", "Write the exact bytes stored under KEY to stdout",
                  [this](NodeClient& c, Streams io) { return RunGet(c, get_, json_, io); });
  get->add_option("key", get_.key, "key")->required();
  get->add_option("-o,--output", get_.output, "write the bytes to FILE instead of stdout");

  auto* ttl = Add(app, "ttl", "Show when KEY was created, its original and remaining TTL",
                  [this](NodeClient& c, Streams io) { return RunTtl(c, key_, json_, io); });
  ttl->add_option("key", key_, "key")->required();

  auto* keys = Add(app, "keys", "List keys in byte order (one page unless --limit or --all)",
                   [this](NodeClient& c, Streams io) { return RunKeys(c, keys_, json_, io); });
  keys->add_option("--prefix", keys_.prefix, "only keys starting with PREFIX");
  auto* limit = keys->add_option("--limit", keys_.limit, "list at most N keys (follows pages)")
                    ->check(kPositiveInteger);
  keys->add_flag("--all", keys_.all, "list every key (follows pages)")->excludes(limit);
  keys->add_option("--page-size", keys_.page_size, "keys asked for per request")
      ->check(kPositiveInteger)
      ->capture_default_str();

  Add(app, "status", "Show the node's status (uptime, role, peers, keys, bytes, build)",
      [this](NodeClient& c, Streams io) { return RunStatus(c, json_, io); });
  Add(app, "topology", "Show the node's known peers and WebSocket children",
      [this](NodeClient& c, Streams io) { return RunTopology(c, json_, io); });
  Add(app, "health", "Check the node's health: exit 0 only when it is healthy",
      [this](NodeClient& c, Streams io) { return RunHealth(c, json_, io); });
}

CLI::App* ClientCommands::Add(CLI::App& app, const char* name, const char* description,
                              Runner run) {
  auto* sub = app.add_subcommand(name, description);
  sub->add_option("--url", url_, std::string("node URL (REPRAM_URL) [") + kDefaultUrl + "]");
  sub->add_flag("--json", json_, "print JSON on stdout");
  commands_.emplace_back(sub, std::move(run));
  return sub;
}

std::optional<int> ClientCommands::Run(const std::optional<std::string>& fallback_url) {
  const auto given = std::find_if(commands_.begin(), commands_.end(),
                                  [](const auto& command) { return command.first->parsed(); });
  if (given == commands_.end()) return std::nullopt;
  std::string url = url_;
  if (url.empty() && fallback_url) url = *fallback_url;
  if (const char* env = std::getenv("REPRAM_URL"); url.empty() && env != nullptr) url = env;
  if (url.empty()) url = kDefaultUrl;
  auto endpoint = mcp::ParseRemoteUrl(url);
  if (!endpoint.ok()) {
    std::cerr << "repram: " << endpoint.status().message() << "\n";
    return kExitUsage;
  }
  std::ios::sync_with_stdio(false);
  NodeClient client(std::move(endpoint).value());
  const Streams io{std::cin, std::cout, std::cerr};
  const int rc = given->second(client, io);
  std::cout.flush();
  return std::cout ? rc : kExitFailed;
}

}  // namespace repram::cli
