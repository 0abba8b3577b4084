// The reviewed cycle budgets of the hot paths (benches/budgets.toml), and the
// gate that judges measured figures against them (`pristine budget`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/host_types.h"

namespace pristine::sim {

struct PathBudget {
  std::string benchmark;         // the benchmark's name (benches/hot_paths.h)
  Cycles budget = 0;             // the gate: the path's worst case must stay below it
  std::optional<Cycles> goal;    // the figure to beat, from published kernels
  std::string goal_source;
  // Instruction counts are exact and checked against QEMU -icount: the fair
  // comparison with published kernels. Gated when given (at most this many).
  std::optional<std::uint64_t> instruction_budget;
  std::optional<std::uint64_t> instruction_goal;
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
  std::optional<std::uint64_t> instructions;        // worst case (instructions_max)
  std::optional<std::uint64_t> instruction_budget;  // at most this many
  std::optional<std::uint64_t> instruction_goal;
  std::string error;                // why it was not measured
  std::uint64_t violations = 0;     // pristine-path rules or invariants the run broke
  std::string label;                // which
  bool instructions_over() const {
    return instruction_budget && (!instructions || *instructions > *instruction_budget);
  }
  bool over() const { return !measured || *measured >= budget || instructions_over(); }
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
