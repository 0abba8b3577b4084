// The reviewed cycle budgets of the hot paths (benches/budgets.toml), and the
// gate that judges measured figures against them (`pristine budget`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/distribution.h"
#include "sim/guest_architecture.h"
#include "sim/host_types.h"
#include "sim/report_comparison.h"

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
  // The architecture whose image the budgets judge (the file's `arch` key;
  // x86-64 when absent): it names the paths (benches/hot_paths.h).
  GuestArchitecture arch = GuestArchitecture::X86_64;
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
  Distribution cycles;               // min, p50, p99, max (max is `measured`), when measured
  Distribution instruction_figures;  // the same in instructions
  std::string error;                // why it was not measured
  std::uint64_t violations = 0;     // pristine-path rules or invariants the run broke
  std::string label;                // which
  // Against a stored baseline (apply_baseline): its figures, if it measured
  // the path, and the figures that rose by more than the threshold.
  std::optional<PathFigures> baseline;
  std::vector<FigureChange> regressions;
  bool instructions_over() const {
    return instruction_budget && (!instructions || *instructions > *instruction_budget);
  }
  bool over() const { return !measured || *measured >= budget || instructions_over(); }
  bool failed() const { return over() || violations != 0 || !regressions.empty(); }
};

struct GateResult {
  std::vector<GateRow> rows;
  std::optional<std::string> baseline_file;  // set by apply_baseline
  double threshold_percent = 0;
  GuestArchitecture arch = GuestArchitecture::X86_64;  // the budgets file's
  bool pass() const;
};

// Judge Google Benchmark JSON output (counters of benches/hot_path_bench.cpp)
// against the budgets; a benchmark without a budget entry gets the ceiling.
GateResult judge(const Budgets& budgets, const nlohmann::json& benchmark_output);

// Judges every measured row against the baseline's figures of its path (a
// `pristine budget --json` result): a figure up by more than
// `threshold_percent` fails the row. A path the baseline did not measure is
// judged by its budget only.
void apply_baseline(GateResult& result, const FigureSet& baseline, double threshold_percent);

// The row's verdict in words: "ok" only for a row that passed.
std::string verdict_text(const GateRow& row);

std::string render_gate(const GateResult& result);

// The gate's own result (docs/ci-results.md): per path its figures, budget,
// headroom, goal and verdict; what `pristine budget --json` writes and
// `pristine compare` and `--baseline` read back.
nlohmann::ordered_json to_json(const GateResult& result);

}  // namespace pristine::sim
