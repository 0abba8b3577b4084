#include "sim/cli/budget_command.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <optional>
#include <utility>
#include <vector>

#include "sim/budgets.h"
#include "sim/cli/output_file.h"
#include "sim/cli/process.h"
#include "sim/junit_report.h"
#include "sim/report_comparison.h"
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

// A case per hot path: passed when it is under its budget, kept the rules
// and (against a baseline) did not regress.
sim::JunitSuite junit_suite(const sim::GateResult& result) {
  sim::JunitSuite suite{"budget", {}, {}};
  if (result.baseline_file) {
    suite.properties = {{"baseline", *result.baseline_file},
                        {"threshold_percent", fmt::format("{:g}", result.threshold_percent)}};
  }
  for (const sim::GateRow& r : result.rows) {
    sim::JunitCase c{"budget." + r.benchmark, r.path};
    if (r.failed()) {
      c.outcome = sim::JunitCase::Outcome::Failed;
      c.type = !r.measured ? "not-measured" : r.over() ? "over-budget" : r.violations != 0 ? "rules" : "regression";
      c.message = fmt::format("{} ({}): {}", r.benchmark, r.path, sim::verdict_text(r));
      c.text = r.measured ? fmt::format("worst case {} modeled cycles, budget {}; {} instructions\n", *r.measured,
                                        r.budget, r.instructions ? fmt::to_string(*r.instructions) : "?")
                          : r.error + "\n";
    }
    suite.cases.push_back(std::move(c));
  }
  return suite;
}

}  // namespace

int run_budget(const BudgetOptions& o) {
  const std::string benchmark_json = o.benchmark_json.string();
  const std::vector<std::pair<const char*, std::string>> outputs = [&] {
    std::vector<std::pair<const char*, std::string>> list = {{"--benchmark-json", benchmark_json}};
    if (o.json) list.emplace_back("--json", *o.json);
    if (o.junit) list.emplace_back("--junit", *o.junit);
    return list;
  }();
  for (const auto& [flag, file] : outputs) {
    if (const std::string why = output_path_problem(file); !why.empty()) {
      std::cerr << fmt::format("pristine budget: {} '{}': {}\n", flag, file, why);
      return 2;
    }
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
  if (budgets.arch != o.arch) {
    std::cerr << fmt::format("error: {}: arch: the budgets are {}'s, and the gate runs {} (--arch)\n",
                             o.budgets.string(), sim::architecture_name(budgets.arch), sim::architecture_name(o.arch));
    return 2;
  }
  // The baseline is read before the benchmarks run: a bad one costs nothing.
  std::optional<sim::FigureSet> baseline;
  if (o.baseline) {
    try {
      baseline = sim::load_figures(*o.baseline);
    } catch (const sim::ComparisonInputError& e) {
      std::cerr << fmt::format("pristine budget: --baseline: {}\n", e.what());
      return 2;
    }
    if (baseline->source != sim::FigureSet::Source::BudgetResult) {
      std::cerr << fmt::format("pristine budget: --baseline: {} is {}, not a `pristine budget --json` result\n",
                               *o.baseline, sim::source_name(baseline->source));
      return 2;
    }
    // A result without `arch` predates the key: an x86-64 one.
    const std::string_view baseline_arch = baseline->arch.empty() ? "x86_64" : std::string_view(baseline->arch);
    if (baseline_arch != sim::architecture_name(o.arch)) {
      std::cerr << fmt::format("pristine budget: --baseline: {}: arch: {}, and the gate runs {}\n", *o.baseline,
                               baseline_arch, sim::architecture_name(o.arch));
      return 2;
    }
  }
  // The benchmark binary writes a temporary file beside --benchmark-json; it
  // is put in place only once it has been read back as JSON.
  for (const auto& [flag, file] : outputs) {
    if (const std::string why = remove_stale_output(file); !why.empty()) {
      std::cerr << fmt::format("pristine budget: {} '{}': {}\n", flag, file, why);
      return 2;
    }
  }
  std::optional<StagedOutput> staged;
  try {
    staged.emplace(benchmark_json);
  } catch (const std::runtime_error& e) {
    std::cerr << fmt::format("pristine budget: --benchmark-json {}\n", e.what());
    return 2;
  }
  const int status = run_process({o.benchmarks.string(), fmt::format("--arch={}", sim::architecture_name(o.arch)),
                                  "--image=" + o.image.string(),
                                  "--scenarios=" + o.scenarios.string(),
                                  "--benchmark_out=" + staged->temporary(), "--benchmark_out_format=json"});
  if (status != 0) {
    std::cerr << fmt::format("pristine budget: FAIL: {} exited with status {} (no output written)\n",
                             o.benchmarks.string(), status);
    std::cout << "budget gate: FAIL\n";
    return 1;
  }
  nlohmann::json output;
  try {
    std::ifstream in(staged->temporary());
    output = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    std::cerr << fmt::format("pristine budget: FAIL: unreadable benchmark output (no output written): {}\n", e.what());
    std::cout << "budget gate: FAIL\n";
    return 1;
  }
  int written = 0;
  if (const std::string why = staged->commit(); !why.empty()) {
    std::cerr << fmt::format("pristine budget: --benchmark-json '{}': the benchmark JSON was NOT written: {}\n",
                             benchmark_json, why);
    written = 2;
  }
  sim::GateResult result = sim::judge(budgets, output);
  if (baseline) sim::apply_baseline(result, *baseline, o.threshold_percent);
  std::cout << '\n' << sim::render_gate(result);
  std::cout << fmt::format("(modeled cycles, worst case per path; budgets: {}; benchmark JSON: {})\n",
                           o.budgets.string(), benchmark_json);
  if (o.json) {
    if (const std::string why = write_output(*o.json, json_text(sim::to_json(result))); !why.empty()) {
      std::cerr << fmt::format("pristine budget: --json '{}': the gate's result was NOT written: {}\n", *o.json, why);
      written = 2;
    }
  }
  if (o.junit) {
    if (const std::string why = write_output(*o.junit, sim::render_junit("pristine budget", {junit_suite(result)}));
        !why.empty()) {
      std::cerr << fmt::format("pristine budget: --junit '{}': the JUnit report was NOT written: {}\n", *o.junit, why);
      written = 2;
    }
  }
  if (result.pass()) {
    std::cout << "budget gate: PASS\n";
    return written;
  }
  const std::string range = commit_range(o.source_dir, o.budgets);
  for (const sim::GateRow& r : result.rows) {
    if (!r.failed()) continue;
    if (!r.measured) {
      std::cerr << fmt::format("pristine budget: FAIL: {} ({}) was not measured: {}\n", r.benchmark, r.path, r.error);
    } else if (r.instructions_over()) {
      std::cerr << fmt::format("pristine budget: FAIL: {} ({}) took {} instructions, budget {}: look at {}\n",
                               r.benchmark, r.path, r.instructions ? fmt::to_string(*r.instructions) : "?",
                               *r.instruction_budget, range);
    } else if (r.over()) {
      std::cerr << fmt::format("pristine budget: FAIL: {} ({}) took {} modeled cycles, budget {}: look at {}\n",
                               r.benchmark, r.path, *r.measured, r.budget, range);
    } else if (r.violations != 0) {
      std::cerr << fmt::format("pristine budget: FAIL: {} ({}): the run broke the rules ({}): run its scenario with "
                               "`pristine sim` for the violations\n",
                               r.benchmark, r.path, r.label);
    }
    for (const sim::FigureChange& c : r.regressions) {
      std::cerr << fmt::format("pristine budget: FAIL: {} ({}): {} rose {} against the baseline {} ({} -> {}, "
                               "threshold {:g} %): look at {}\n",
                               r.benchmark, r.path, c.figure, sim::percent_text(c.percent), *result.baseline_file,
                               c.before, c.after, result.threshold_percent, range);
    }
  }
  std::cout << "budget gate: FAIL\n";
  return written != 0 ? written : 1;
}

}  // namespace pristine::cli
