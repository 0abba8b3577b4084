// `pristine budget`: the cycle-budget gate. Runs the hot-path benchmarks
// (benches/hot_path_bench.cpp), keeps their Google Benchmark JSON, prints
// path / measured / budget / headroom, and fails when a path reaches its
// budget (benches/budgets.toml), or with --baseline when its figures rose by
// more than the threshold against an earlier result, naming the path, the
// figure and the commits to look at. --json writes the gate's own result,
// --junit a JUnit case per path (docs/ci-results.md). --arch aarch64 gates
// the AArch64 image against benches/budgets-aarch64.toml.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "sim/guest_architecture.h"

namespace pristine::cli {

struct BudgetOptions {
  sim::GuestArchitecture arch = sim::GuestArchitecture::X86_64;  // whose image and budgets (--arch)
  std::filesystem::path benchmarks;  // the hot_path_bench binary
  std::filesystem::path image;       // sim-kernel.elf to measure
  std::filesystem::path budgets;     // benches/budgets.toml
  std::filesystem::path scenarios;   // benches/scenarios/, the scenarios the benchmarks run
  std::filesystem::path benchmark_json;  // where the raw Google Benchmark JSON goes
  std::filesystem::path source_dir;  // the repository, for the commit range
  std::optional<std::string> json;   // the gate's result (sim::to_json(GateResult))
  std::optional<std::string> junit;  // JUnit XML, a case per path
  std::optional<std::string> baseline;  // an earlier --json result to gate regressions against
  double threshold_percent = 5;         // the rise that fails a path against the baseline
};

// 0: every path under its budget (and not regressed); 1: a path at or over
// it, not measured, or regressed; 2: bad input (missing binary, image or
// budgets file, or one for another architecture; a baseline that is not a
// `budget --json` result of the same architecture; an output
// path that cannot be written, refused before the benchmarks run, or an
// output that could not be put in place at the end).
int run_budget(const BudgetOptions& options);

}  // namespace pristine::cli
