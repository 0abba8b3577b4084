// The cycle-budget gate: the budgets file, the judgement, and `pristine
// budget` end to end: it passes on the current code and fails, naming the
// path, the figure and the commits to look at, when the timer path gets one
// UART character of work (sim-kernel-broken-timer-console.elf); its --json
// result, --junit cases and --baseline regressions (docs/ci-results.md).
// The AArch64 gate (`--arch aarch64`) likewise. Each end-to-end case runs
// the benchmarks (seconds to tens of seconds): six runs in all.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/run_command.h"
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <regex>
#include <string>

#include <filesystem>
#include <fstream>

#include "benches/hot_paths.h"
#include "sim/budgets.h"
#include "sim/scenario.h"

namespace pristine::sim {
namespace {

using pristine::testing::pristine;

TEST(BudgetsFile, TheReviewedFileParsesAndEveryBudgetIsUnderTheCeiling) {
  const Budgets b = load_budgets(PRISTINE_SOURCE_DIR "/benches/budgets.toml");
  EXPECT_EQ(b.ceiling, 1000u);
  ASSERT_GE(b.paths.size(), 8u);
  for (const PathBudget& p : b.paths) EXPECT_LE(p.budget, b.ceiling) << p.benchmark;
}

TEST(BudgetsFile, TheAarch64FileIsAarch64sAndEveryBudgetIsUnderTheCeiling) {
  const Budgets b = load_budgets(PRISTINE_SOURCE_DIR "/benches/budgets-aarch64.toml");
  EXPECT_EQ(b.arch, GuestArchitecture::Aarch64);
  EXPECT_EQ(b.ceiling, 1000u);
  EXPECT_EQ(b.paths.size(), std::size(bench::kHotPaths)) << "a reviewed budget for every hot path";
  for (const PathBudget& p : b.paths) EXPECT_LE(p.budget, b.ceiling) << p.benchmark;
  EXPECT_EQ(load_budgets(PRISTINE_SOURCE_DIR "/benches/budgets.toml").arch, GuestArchitecture::X86_64);
}

TEST(BudgetsFile, ErrorsNameTheFileLineAndKey) {
  try {
    parse_budgets("ceiling = 1000\n[paths.timer_tick]\nbudget = 1200\n", "b.toml");
    FAIL() << "a budget above the ceiling was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()).substr(0, 9), "b.toml:3:") << e.what();
    EXPECT_EQ(e.key(), "paths.timer_tick.budget");
  }
  EXPECT_THROW(parse_budgets("ceiling = 1000\n[paths.no_such_path]\nbudget = 10\n", "b.toml"), ScenarioError);
  EXPECT_THROW(parse_budgets("ceiling = 1000\n[paths.timer_tick]\nbudgte = 10\n", "b.toml"), ScenarioError);
}

nlohmann::json output_with(const std::string& benchmark, double cycles_max) {
  nlohmann::json out;
  out["benchmarks"] = nlohmann::json::array({{{"name", benchmark + "/iterations:1"}, {"cycles_max", cycles_max}, {"count", 5.0}}});
  return out;
}

// The gate's rows name the paths as the architecture's reports do.
TEST(BudgetJudgement, AnAarch64GateJudgesThePathsByAarch64sNames) {
  const Budgets b = parse_budgets("arch = \"aarch64\"\nceiling = 1000\n[paths.page_fault_map]\nbudget = 990\n", "b.toml");
  const GateResult result = judge(b, output_with("page_fault_map", 900));
  const auto row = std::find_if(result.rows.begin(), result.rows.end(),
                                [](const GateRow& r) { return r.benchmark == "page_fault_map"; });
  ASSERT_NE(row, result.rows.end());
  EXPECT_EQ(row->path, "data-abort");
  EXPECT_FALSE(row->over());
  EXPECT_EQ(to_json(result)["arch"], "aarch64");
  EXPECT_EQ(to_json(judge(parse_budgets("ceiling = 1000\n[paths.page_fault_map]\nbudget = 990\n", "b.toml"),
                          output_with("page_fault_map", 900)))["arch"],
            "x86_64");
  try {
    parse_budgets("arch = \"riscv64\"\nceiling = 1000\n[paths.timer_tick]\nbudget = 10\n", "b.toml");
    FAIL() << "an unknown architecture was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()).substr(0, 9), "b.toml:1:") << e.what();
    EXPECT_EQ(e.key(), "arch");
  }
}

TEST(BudgetJudgement, APathAtItsBudgetFailsAndAMissingPathFails) {
  const Budgets b = parse_budgets("ceiling = 1000\n[paths.timer_tick]\nbudget = 700\n", "b.toml");
  const GateResult at = judge(b, output_with("timer_tick", 700));
  const GateRow& timer = at.rows.front();
  EXPECT_EQ(timer.benchmark, "timer_tick");
  EXPECT_TRUE(timer.over()) << "reaching the budget fails";
  EXPECT_FALSE(judge(b, output_with("timer_tick", 699)).rows.front().over());
  EXPECT_FALSE(at.pass()) << "the other paths were not measured";
  EXPECT_EQ(at.rows.back().budget, 1000u) << "a path without a budget entry gets the ceiling";
}

TEST(BudgetJudgement, AnInstructionBudgetIsGatedToo) {
  const Budgets b = parse_budgets("ceiling = 1000\n[paths.null_syscall]\nbudget = 300\ninstruction_budget = 100\n", "b.toml");
  const auto null_syscall = [](const GateResult& r) {
    for (const GateRow& row : r.rows) {
      if (row.benchmark == "null_syscall") return row;
    }
    throw std::runtime_error("no null_syscall row");
  };
  nlohmann::json out = output_with("null_syscall", 250);
  out["benchmarks"][0]["instructions_max"] = 100.0;
  EXPECT_FALSE(null_syscall(judge(b, out)).over()) << "at most 100 instructions";
  out["benchmarks"][0]["instructions_max"] = 101.0;
  const GateRow row = null_syscall(judge(b, out));
  EXPECT_TRUE(row.instructions_over());
  EXPECT_TRUE(row.over()) << "within the cycle budget, over the instruction budget";
  EXPECT_NE(render_gate(judge(b, out)).find("OVER INSTRUCTION BUDGET"), std::string::npos);
}

GateRow measured_row(Cycles max, std::uint64_t instructions) {
  GateRow row;
  row.benchmark = "timer_tick";
  row.path = "timer";
  row.measured = max;
  row.budget = 700;
  row.cycles = {max / 2, max / 2, max - 1, max};
  row.instructions = instructions;
  row.instruction_figures = {instructions, instructions, instructions, instructions};
  return row;
}

TEST(BudgetJudgement, ARowThatFailedNeverSaysOk) {
  GateRow broke = measured_row(400, 100);
  broke.violations = 2;
  broke.label = "uniprocessor.toml violations: console-output";
  EXPECT_TRUE(broke.failed());
  EXPECT_EQ(verdict_text(broke).rfind("BROKE THE RULES", 0), 0u) << verdict_text(broke);
  EXPECT_EQ(verdict_text(measured_row(400, 100)), "ok");
  GateResult result{{broke}};
  EXPECT_EQ(render_gate(result).find(" ok"), std::string::npos) << render_gate(result);
  EXPECT_EQ(to_json(result)["paths"][0]["verdict"], "fail");
}

TEST(BudgetJudgement, ABaselineWithLowerFiguresFailsThePathAndItselfDoesNot) {
  GateResult result{{measured_row(400, 100)}};
  const auto result_file = [](const GateResult& r) { return figures_of(nlohmann::json::parse(to_json(r).dump()), "b.json"); };
  GateResult against_itself = result;
  apply_baseline(against_itself, result_file(result), 5);
  EXPECT_TRUE(against_itself.rows[0].regressions.empty());
  EXPECT_FALSE(against_itself.rows[0].failed());

  GateRow lower_row = measured_row(400, 100);
  lower_row.measured = lower_row.cycles.max = 380;  // now +5.26 %
  lower_row.cycles.p99 = 395;                        // now +1.0 %: within 5 %
  apply_baseline(result, result_file(GateResult{{lower_row}}), 5);
  const GateRow& row = result.rows[0];
  ASSERT_EQ(row.regressions.size(), 1u);
  EXPECT_EQ(row.regressions[0].figure, "cycles max");
  EXPECT_TRUE(row.failed());
  EXPECT_EQ(verdict_text(row), "REGRESSION; cycles max +5.3 % against the baseline (380 -> 400)");
  const auto j = to_json(result);
  EXPECT_EQ(j["baseline"], "b.json");
  EXPECT_EQ(j["paths"][0]["baseline"]["cycles"]["max"], 380u);
  EXPECT_EQ(j["paths"][0]["regressions"][0]["figure"], "cycles max");
  EXPECT_EQ(j["verdict"], "fail");
}

std::filesystem::path test_dir(const std::string& name) {
  const auto dir = std::filesystem::path(PRISTINE_BUILD_DIR) / "tests" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// tests/junit_cases.py's reading of a JUnit file: a line per case, then totals.
std::string junit_cases(const std::filesystem::path& file) {
  const auto r = pristine::testing::run_command("python3 " PRISTINE_SOURCE_DIR "/tests/junit_cases.py " + file.string());
  EXPECT_EQ(r.status, 0) << r.output;
  return r.output;
}

TEST(BudgetGate, PassesOnTheCurrentCodeWritesItsResultAndPassesAgainstItself) {
  const auto dir = test_dir("budget-pass");
  const auto r = pristine("budget --json " + (dir / "result.json").string() + " --junit " + (dir / "cases.xml").string() +
                          " --benchmark-json " + (dir / "benchmarks.json").string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("budget gate: PASS"), std::string::npos) << r.output;
  const Cycles budget = load_budgets(PRISTINE_SOURCE_DIR "/benches/budgets.toml").find("timer_tick")->budget;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(fmt::format(R"(timer_tick +timer +\d+ +{} +\+)", budget)))) << r.output;

  // The gate's own result: every hot path with its figures, budget, headroom, goal and verdict.
  const auto result = nlohmann::json::parse(std::ifstream(dir / "result.json"));
  EXPECT_EQ(result["schema_version"], 1);
  EXPECT_EQ(result["gate"], "budget");
  EXPECT_EQ(result["verdict"], "pass");
  ASSERT_EQ(result["paths"].size(), std::size(bench::kHotPaths));
  const auto& timer = result["paths"][0];
  EXPECT_EQ(timer["benchmark"], "timer_tick");
  EXPECT_EQ(timer["path"], "timer");
  EXPECT_EQ(timer["budget_cycles"], budget);
  EXPECT_GT(timer["cycles"]["max"].get<Cycles>(), 0u);
  EXPECT_LT(timer["cycles"]["max"].get<Cycles>(), budget);
  EXPECT_GE(timer["cycles"]["max"].get<Cycles>(), timer["cycles"]["p50"].get<Cycles>());
  EXPECT_GT(timer["instructions"]["max"].get<std::uint64_t>(), 0u);
  EXPECT_GT(timer["headroom_percent"].get<double>(), 0.0);
  EXPECT_TRUE(timer.contains("goal_cycles"));
  EXPECT_EQ(timer["verdict"], "pass");
  EXPECT_TRUE(nlohmann::json::parse(std::ifstream(dir / "benchmarks.json")).contains("benchmarks")) << "the raw output kept";

  const std::string cases = junit_cases(dir / "cases.xml");
  EXPECT_NE(cases.find("budget.timer_tick\ttimer\tpassed"), std::string::npos) << cases;
  EXPECT_NE(cases.find(fmt::format("totals {} 0 0", std::size(bench::kHotPaths))), std::string::npos) << cases;

  const auto again = pristine("budget --baseline " + (dir / "result.json").string());
  EXPECT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("budget gate: PASS"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("(baseline " + (dir / "result.json").string()), std::string::npos) << again.output;
}

// A budgets file with a too-small timer budget, and a baseline that makes the
// null syscall's current figures a regression: both fail, and say so.
TEST(BudgetGate, ATooSmallBudgetAndARegressionFailAndNoFailingRowSaysOk) {
  const auto dir = test_dir("budget-fail");
  std::ofstream(dir / "budgets.toml") << "ceiling = 1000\n[paths.timer_tick]\nbudget = 10\n";
  const nlohmann::json one = {{"min", 1}, {"p50", 1}, {"p99", 1}, {"max", 1}};
  std::ofstream(dir / "baseline.json") << nlohmann::json{
      {"schema_version", 1}, {"gate", "budget"},
      {"paths", {{{"path", "syscall/getpid"}, {"cycles", one}, {"instructions", one}}}}}.dump();
  const auto r = pristine("budget --budgets " + (dir / "budgets.toml").string() + " --baseline " +
                          (dir / "baseline.json").string() + " --json " + (dir / "result.json").string() + " --junit " +
                          (dir / "cases.xml").string() + " --benchmark-json " + (dir / "benchmarks.json").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("\nbudget gate: FAIL\n"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("budget gate: PASS"), std::string::npos) << r.output;
  std::smatch timer_row, getpid_row;
  ASSERT_TRUE(std::regex_search(r.output, timer_row, std::regex(R"(\ntimer_tick +timer +\d+ +10 .*\n)"))) << r.output;
  EXPECT_NE(timer_row.str().find("OVER BUDGET"), std::string::npos) << timer_row.str();
  EXPECT_EQ(timer_row.str().find(" ok"), std::string::npos) << timer_row.str();
  ASSERT_TRUE(std::regex_search(r.output, getpid_row, std::regex(R"(\nnull_syscall +syscall/getpid .*\n)"))) << r.output;
  EXPECT_NE(getpid_row.str().find("REGRESSION"), std::string::npos) << getpid_row.str();
  EXPECT_EQ(getpid_row.str().find(" ok"), std::string::npos) << getpid_row.str();
  EXPECT_NE(r.output.find("FAIL: null_syscall (syscall/getpid): cycles min rose +"), std::string::npos) << r.output;

  const auto result = nlohmann::json::parse(std::ifstream(dir / "result.json"));
  EXPECT_EQ(result["verdict"], "fail");
  std::size_t failed = 0;
  for (const auto& p : result["paths"]) {
    if (p["verdict"] == "fail") {
      ++failed;
      EXPECT_TRUE(p["path"] == "timer" || p["path"] == "syscall/getpid") << p.dump();
    }
  }
  EXPECT_EQ(failed, 2u);
  const std::string cases = junit_cases(dir / "cases.xml");
  EXPECT_NE(cases.find("budget.timer_tick\ttimer\tfailed\ttimer_tick (timer): OVER BUDGET"), std::string::npos) << cases;
  EXPECT_NE(cases.find("budget.null_syscall\tsyscall/getpid\tfailed\tnull_syscall (syscall/getpid): REGRESSION"),
            std::string::npos)
      << cases;
  EXPECT_NE(cases.find(fmt::format("totals {} 2 0", std::size(bench::kHotPaths))), std::string::npos) << cases;
}

TEST(BudgetGate, ASimReportAsBaselineIsRefusedBeforeTheBenchmarksRun) {
  const auto dir = test_dir("budget-refused");
  std::ofstream(dir / "report.json") << R"({"scenario": "s", "handlers": []})";
  const auto r = pristine("budget --baseline " + (dir / "report.json").string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find((dir / "report.json").string() + " is a `pristine sim --json` report, not a `pristine budget --json` result"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("budget gate:"), std::string::npos) << "ran the benchmarks";
}

TEST(BudgetGate, OneUartCharacterOnTheTimerPathFailsItNamingThePath) {
  const auto r = pristine("budget --image " PRISTINE_BUILD_DIR "/images/sim-kernel-broken-timer-console.elf "
                          "--benchmark-json " PRISTINE_BUILD_DIR "/tests/budget-test-broken.json");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("\nbudget gate: FAIL\n"), std::string::npos) << r.output;
  std::smatch m;
  const Cycles budget = load_budgets(PRISTINE_SOURCE_DIR "/benches/budgets.toml").find("timer_tick")->budget;
  ASSERT_TRUE(std::regex_search(
      r.output, m, std::regex(fmt::format(R"(FAIL: timer_tick \(timer\) took (\d+) modeled cycles, budget {}: look at (.*))", budget))))
      << r.output;
  EXPECT_GT(std::stoull(m[1]), 10'000u) << "a UART character costs at least 10 000 cycles";
  // In a git checkout the exact range (git log --oneline SHA..HEAD); without
  // history (a tarball, a shallow clone that cut it), still where to look.
  EXPECT_NE(m[2].str().find("the commits since"), std::string::npos) << m[2];
}

// `pristine budget --arch aarch64`: the AArch64 image's hot paths against
// benches/budgets-aarch64.toml, every one under 1000 modeled cycles; the
// same gate fails an AArch64 image that breaks the rules on a hot path.
TEST(BudgetGate, Aarch64PassesOnTheCurrentCodeWithEveryPathUnderTheCeiling) {
  const auto dir = test_dir("budget-aarch64");
  const auto r = pristine("budget --arch aarch64 --json " + (dir / "result.json").string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("budget gate: PASS"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("budgets-aarch64.toml"), std::string::npos) << r.output;
  const auto result = nlohmann::json::parse(std::ifstream(dir / "result.json"));
  EXPECT_EQ(result["arch"], "aarch64");
  ASSERT_EQ(result["paths"].size(), std::size(bench::kHotPaths));
  for (const auto& p : result["paths"]) {
    ASSERT_FALSE(p["cycles"].is_null()) << p.dump();
    EXPECT_LT(p["cycles"]["max"].get<Cycles>(), 1000u) << p["benchmark"];
    EXPECT_EQ(p["violations"], 0) << p["benchmark"];
  }
  EXPECT_EQ(result["paths"][5]["path"], "data-abort");

  // Its result is no baseline for the x86-64 gate, and x86-64's budgets are
  // not AArch64's: both refused before the benchmarks run.
  const auto baseline = pristine("budget --baseline " + (dir / "result.json").string());
  EXPECT_EQ(baseline.status, 2) << baseline.output;
  EXPECT_NE(baseline.output.find("arch: aarch64, and the gate runs x86_64"), std::string::npos) << baseline.output;
  EXPECT_EQ(baseline.output.find("budget gate:"), std::string::npos) << "ran the benchmarks";
  const auto budgets = pristine("budget --arch aarch64 --budgets " PRISTINE_SOURCE_DIR "/benches/budgets.toml");
  EXPECT_EQ(budgets.status, 2) << budgets.output;
  EXPECT_NE(budgets.output.find("budgets.toml: arch: the budgets are x86_64's, and the gate runs aarch64"),
            std::string::npos)
      << budgets.output;
  EXPECT_EQ(budgets.output.find("budget gate:"), std::string::npos) << "ran the benchmarks";
}

TEST(BudgetGate, Aarch64FailsAnImageThatSkipsTheEndOfInterrupt) {
  const auto r = pristine("budget --arch aarch64 --image " PRISTINE_BUILD_DIR
                          "/images/aarch64-sim-kernel-broken-missing-eoi.elf --benchmark-json " PRISTINE_BUILD_DIR
                          "/tests/budget-test-aarch64-broken.json");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("\nbudget gate: FAIL\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FAIL: timer_tick (timer): the run broke the rules"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace pristine::sim
