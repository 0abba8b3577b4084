#include "sim/cli/budget_command.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <optional>

#include "sim/budgets.h"
#include "sim/cli/output_file.h"
#include "sim/cli/process.h"
#include "sim/scenario.h"

namespace pristine::cli {
namespace {

// The commits since the budgets were last reviewed: where a regression came in.
std::string commit_range(const std::filesystem::path& source_dir, const std::filesystem::path& budgets) {
  const auto reviewed = capture_process({"git", "-C", source_dir.string(), "log", "-1", "--format=%h", "--",
                                         std::filesystem::relative(budgets, source_dir).string()});
  if (!reviewed || reviewed->empty()) return "the commits since the last passing gate (no git history here)";
  const std::string sha = reviewed->substr(0, reviewed->find('\n'));
  return fmt::format("the commits since the budgets were last reviewed: git log --oneline {}..HEAD", sha);
}

}  // namespace

int run_budget(const BudgetOptions& o) {
  const std::string json = o.json.string();
  if (const std::string why = output_path_problem(json); !why.empty()) {
    std::cerr << fmt::format("pristine budget: --json '{}': {}\n", json, why);
    return 2;
  }
  for (const auto& [what, file] : {std::pair{"benchmark binary", o.benchmarks}, std::pair{"kernel image", o.image},
                                   std::pair{"budgets file", o.budgets}}) {
    if (!std::filesystem::exists(file)) {
      std::cerr << fmt::format("pristine budget: {}: no such {} (build it first)\n", file.string(), what);
      return 2;
    }
  }
  sim::Budgets budgets;
  try {
    budgets = sim::load_budgets(o.budgets);
  } catch (const sim::ScenarioError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  }
  // The benchmark binary writes a temporary file beside --json; it is put in
  // place only once it has been read back as JSON.
  if (const std::string why = remove_stale_output(json); !why.empty()) {
    std::cerr << fmt::format("pristine budget: --json '{}': {}\n", json, why);
    return 2;
  }
  std::optional<StagedOutput> staged;
  try {
    staged.emplace(json);
  } catch (const std::runtime_error& e) {
    std::cerr << fmt::format("pristine budget: --json {}\n", e.what());
    return 2;
  }
  const int status = run_process({o.benchmarks.string(), "--image=" + o.image.string(),
                                  "--benchmark_out=" + staged->temporary(), "--benchmark_out_format=json"});
  if (status != 0) {
    std::cerr << fmt::format("pristine budget: FAIL: {} exited with status {} (--json '{}' not written)\n",
                             o.benchmarks.string(), status, json);
    return 1;
  }
  nlohmann::json output;
  try {
    std::ifstream in(staged->temporary());
    output = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    std::cerr << fmt::format("pristine budget: FAIL: unreadable benchmark output (--json '{}' not written): {}\n", json,
                             e.what());
    return 1;
  }
  if (const std::string why = staged->commit(); !why.empty()) {
    std::cerr << fmt::format("pristine budget: --json '{}': the benchmark JSON was NOT written: {}\n", json, why);
    return 2;
  }
  const sim::GateResult result = sim::judge(budgets, output);
  std::cout << '\n' << sim::render_gate(result);
  std::cout << fmt::format("(modeled cycles, worst case per path; budgets: {}; benchmark JSON: {})\n",
                           o.budgets.string(), o.json.string());
  if (result.pass()) {
    std::cout << "budget gate: PASS\n";
    return 0;
  }
  const std::string range = commit_range(o.source_dir, o.budgets);
  for (const sim::GateRow& r : result.rows) {
    if (!r.failed()) continue;
    if (!r.over()) {
      std::cerr << fmt::format("pristine budget: FAIL: {} ({}): the run broke the rules ({}): run its scenario with "
                               "`pristine sim` for the violations\n",
                               r.benchmark, r.path, r.label);
    } else if (r.measured && r.instructions_over()) {
      std::cerr << fmt::format("pristine budget: FAIL: {} ({}) took {} instructions, budget {}: look at {}\n",
                               r.benchmark, r.path, r.instructions ? fmt::to_string(*r.instructions) : "?",
                               *r.instruction_budget, range);
    } else if (r.measured) {
      std::cerr << fmt::format("pristine budget: FAIL: {} ({}) took {} modeled cycles, budget {}: look at {}\n",
                               r.benchmark, r.path, *r.measured, r.budget, range);
    } else {
      std::cerr << fmt::format("pristine budget: FAIL: {} ({}) was not measured: {}\n", r.benchmark, r.path, r.error);
    }
  }
  return 1;
}

}  // namespace pristine::cli
