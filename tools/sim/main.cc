// repram-sim: runs a scenario of real cluster nodes on a simulated network (tools/sim/README.md).
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/simulation.h"

namespace {

// glibc's malloc was a third of the run: a ping round frees thousands of small blocks at a
// time, more than its per-thread cache keeps (7 per size), and the rest are sorted into bins
// again at the next large allocation. A deeper cache took 21-26 % off the CPU time with the same
// results. Tunables are read at start-up only, so we run ourselves again with them once.
// (tcmalloc did better in a trial, but it is not among the project's dependencies.)
constexpr char kMallocTunables[] = "glibc.malloc.tcache_count=65535:glibc.malloc.tcache_max=4096";

void ReexecWithMallocTunables(char** argv) {
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return;  // ours, or the caller's choice
  setenv("GLIBC_TUNABLES", kMallocTunables, 1);
  execv("/proc/self/exe", argv);
  unsetenv("GLIBC_TUNABLES");  // exec failed: run as we are
}

}  // namespace

int main(int argc, char** argv) {
  ReexecWithMallocTunables(argv);
  CLI::App app{"repram-sim: REPRAM cluster nodes on a simulated network"};
  std::string scenario_path;
  uint64_t seed = 1;
  std::optional<size_t> nodes;
  std::optional<double> duration;
  std::string out_dir = "sim-out";
  bool progress = false;
  app.add_option("scenario", scenario_path, "scenario JSON file")->required();
  app.add_option("--seed", seed, "random seed (same seed, same results)");
  app.add_option("--nodes", nodes, "override the scenario's node count");
  app.add_option("--duration", duration, "override the scenario's simulated seconds");
  app.add_option("--out", out_dir, "directory for summary.csv and timeseries.csv");
  app.add_flag("--progress", progress, "print a line per simulated second to stderr");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_level(spdlog::level::off);  // a node logs every join; thousands would drown us
  repram::sim::Scenario scenario;
  try {
    scenario = repram::sim::LoadScenario(scenario_path);
  } catch (const std::exception& e) {
    std::cerr << "repram-sim: " << e.what() << '\n';
    return 2;
  }
  if (nodes) scenario.nodes = std::max(*nodes, scenario.roots);
  if (duration) scenario.duration_s = *duration;

  const auto start = std::chrono::steady_clock::now();
  repram::sim::RunResult result;
  {
    repram::sim::Simulation simulation(scenario, seed, progress);
    result = simulation.Run();
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::filesystem::create_directories(out_dir);
  std::ofstream summary(std::filesystem::path(out_dir) / "summary.csv");
  repram::sim::WriteSummaryCsv(result.summary, summary);
  std::ofstream series(std::filesystem::path(out_dir) / "timeseries.csv");
  repram::sim::WriteTimeSeriesCsv(result.series, series);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::cout << "scenario " << (scenario.name.empty() ? scenario_path : scenario.name) << ", "
            << scenario.nodes << " nodes, " << scenario.duration_s << " simulated s, seed " << seed
            << '\n';
  repram::sim::PrintTable(result.summary, std::cout);
  std::cout << "wall " << wall << " s, " << result.events << " events, max RSS "
            << usage.ru_maxrss / 1024 << " MiB; CSVs in " << out_dir << '\n';
  return summary && series ? 0 : 1;
}
