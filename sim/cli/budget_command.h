// `pristine budget`: the cycle-budget gate. Runs the hot-path benchmarks
// (benches/hot_path_bench.cpp), keeps their Google Benchmark JSON, prints
// path / measured / budget / headroom, and fails when a path reaches its
// budget (benches/budgets.toml), naming the path, the figure and the commits
// to look at.
#pragma once

#include <filesystem>

namespace pristine::cli {

struct BudgetOptions {
  std::filesystem::path benchmarks;  // the hot_path_bench binary
  std::filesystem::path image;       // sim-kernel.elf to measure
  std::filesystem::path budgets;     // benches/budgets.toml
  std::filesystem::path json;        // where the Google Benchmark JSON goes
  std::filesystem::path source_dir;  // the repository, for the commit range
};

// 0: every path under its budget; 1: a path at or over it, or not measured;
// 2: bad input (missing binary, image or budgets file; a --json path that
// cannot be written, refused before the benchmarks run, or a JSON file that
// could not be put in place at the end).
int run_budget(const BudgetOptions& options);

}  // namespace pristine::cli
