// The reviewed cycle budgets of the hot paths (benches/budgets.toml), and the
// gate that judges measured figures against them (`pristine budget`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"

namespace pristine::sim {

struct PathBudget {
  std::string benchmark;         // the benchmark's name (benches/hot_paths.h)
  Cycles budget = 0;             // the gate: the path's worst case must stay below it
  std::optional<Cycles> goal;    // the figure to beat, from published kernels
  std::string goal_source;
};

struct Budgets {
  std::filesystem::path file;
  Cycles ceiling = 1000;         // no budget may exceed it: the hard gate for every path
  std::vector<PathBudget> paths;
  const PathBudget* find(const std::string& benchmark) const;
};

// Throws ScenarioError ("FILE:LINE: KEY: message") for a malformed file.
Budgets load_budgets(const std::filesystem::path& file);
Budgets parse_budgets(std::string_view text, const std::filesystem::path& file);

struct GateRow {
  std::string benchmark;
  std::string path;                 // the report's path name, if measured
  std::optional<Cycles> measured;   // worst case (cycles_max); none if not measured
  std::uint64_t count = 0;
  Cycles budget = 0;
  std::optional<Cycles> goal;
  std::string error;                // why it was not measured
  std::uint64_t violations = 0;     // pristine-path rules or invariants the run broke
  std::string label;                // which
  bool over() const { return !measured || *measured >= budget; }
  bool failed() const { return over() || violations != 0; }
};

struct GateResult {
  std::vector<GateRow> rows;
  bool pass() const;
};

// Judge Google Benchmark JSON output (counters of benches/hot_path_bench.cpp)
// against the budgets; a benchmark without a budget entry gets the ceiling.
GateResult judge(const Budgets& budgets, const nlohmann::json& benchmark_output);

std::string render_gate(const GateResult& result);

}  // namespace pristine::sim
