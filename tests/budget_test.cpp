// The cycle-budget gate: the budgets file, the judgement, and `pristine
// budget` end to end: it passes on the current code and fails, naming the
// path, the figure and the commits to look at, when the timer path gets one
// UART character of work (sim-kernel-broken-timer-console.elf).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/run_command.h"
#include <sys/wait.h>

#include <cstdio>
#include <regex>
#include <string>

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

TEST(BudgetGate, PassesOnTheCurrentCode) {
  const auto r = pristine("budget --json " PRISTINE_BUILD_DIR "/budget-test-pass.json");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("budget gate: PASS"), std::string::npos) << r.output;
  const Cycles budget = load_budgets(PRISTINE_SOURCE_DIR "/benches/budgets.toml").find("timer_tick")->budget;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(fmt::format(R"(timer_tick +timer +\d+ +{} +\+)", budget)))) << r.output;
}

TEST(BudgetGate, OneUartCharacterOnTheTimerPathFailsItNamingThePath) {
  const auto r = pristine("budget --image " PRISTINE_BUILD_DIR "/images/sim-kernel-broken-timer-console.elf --json "
                            PRISTINE_BUILD_DIR "/budget-test-fail.json");
  EXPECT_EQ(r.status, 1) << r.output;
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

}  // namespace
}  // namespace pristine::sim
