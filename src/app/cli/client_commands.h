#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/data_commands.h"
#include "app/cli/node_client.h"
#include "app/cli/outcome.h"

namespace repram::cli {

// The client subcommands of the `repram` executable (put, get, ttl, keys, status, topology,
// health), each with --url (else REPRAM_URL, else http://127.0.0.1:8080) and --json.
class ClientCommands {
 public:
  // Registers the subcommands on app; app must outlive this object.
  explicit ClientCommands(CLI::App& app);

  // After app was parsed: runs the client subcommand that was given and returns its exit code,
  // or nullopt when none was. `fallback_url` is the top-level --url, if any.
  std::optional<int> Run(const std::optional<std::string>& fallback_url);

 private:
  using Runner = std::function<int(NodeClient&, Streams)>;
  CLI::App* Add(CLI::App& app, const char* name, const char* description, Runner run);

  std::vector<std::pair<CLI::App*, Runner>> commands_;
  std::string url_;
  bool json_ = false;
  std::string key_;
  PutOptions put_;
  GetOptions get_;
  KeysOptions keys_;
};

}  // namespace repram::cli
