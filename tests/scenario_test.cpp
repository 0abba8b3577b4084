// Scenario files: the shipped ones parse to the right values, and every kind
// of bad input is an error naming the file, the line and the key.
#include "sim/scenario.h"

#include <gtest/gtest.h>

namespace pristine::sim {
namespace {

const std::filesystem::path kScenarios = PRISTINE_SOURCE_DIR "/scenarios";

TEST(Scenario, TimerStormParsesWithConvertedUnits) {
  const Scenario s = load_scenario(kScenarios / "timer-storm.toml");
  EXPECT_EQ(s.name, "timer-storm");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.cpu_hz, 2'000'000'000u);
  EXPECT_EQ(s.duration, 40'000'000u) << "20 ms at 2000 MHz";
  EXPECT_EQ(s.tick_hz, 10000u);
  ASSERT_EQ(s.tasks.size(), 2u);
  EXPECT_EQ(s.tasks[1].name, "counter-b");
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.sources[0].kind, SourceKind::Poisson);
  EXPECT_EQ(s.sources[0].vector, 0x41);
  EXPECT_EQ(s.sources[0].period, 20000u) << "100 kHz mean rate";
  EXPECT_EQ(s.sources[1].kind, SourceKind::Bursty);
  EXPECT_EQ(s.sources[1].burst, 8u);
  EXPECT_EQ(s.sources[1].burst_period, 1'000'000u);
  EXPECT_EQ(s.sources[1].spacing, 1000u) << "500 ns";
  EXPECT_EQ(s.budget_for("timer"), 1000u);
  EXPECT_EQ(s.budget_for("device1"), 1000u) << "the default";
}

TEST(Scenario, QuietAndPreemptParse) {
  const Scenario quiet = load_scenario(kScenarios / "quiet.toml");
  EXPECT_TRUE(quiet.sources.empty());
  EXPECT_EQ(quiet.seed, 1u) << "default seed";
  const Scenario preempt = load_scenario(kScenarios / "preempt.toml");
  ASSERT_EQ(preempt.tasks.size(), 6u);
  EXPECT_EQ(preempt.tasks[2].priority, 1u);
  EXPECT_EQ(preempt.tasks[4].program, TaskProgram::Sleeper);
  EXPECT_EQ(preempt.tasks[4].sleep_ns, 700'000u);
  EXPECT_EQ(preempt.max_wait_ticks, 40u);
}

TEST(Scenario, FaultsParse) {
  const Scenario s = load_scenario(kScenarios / "faults.toml");
  ASSERT_EQ(s.faults.size(), 8u);
  EXPECT_EQ(s.faults[0].kind, FaultKind::Nmi);
  EXPECT_EQ(s.faults[0].mean, 40000u) << "50 kHz at 2000 MHz";
  EXPECT_EQ(s.faults[1].count, 5u);
  EXPECT_EQ(s.faults[5].late, 60000u) << "30 us";
  EXPECT_EQ(s.faults[6].task, "counter-a");
  EXPECT_EQ(s.faults[7].vector, 0x43);
}

TEST(Scenario, BudgetOverrideApplies) {
  const Scenario s = parse_scenario("[scenario]\nname=\"b\"\nduration_us=10\n[budgets]\ntimer=400\n\"timer+switch\"=900\n", "b.toml");
  EXPECT_EQ(s.budget_for("timer"), 400u);
  EXPECT_EQ(s.budget_for("timer+switch"), 900u);
}

struct BadInput {
  const char* what;
  const char* text;
  std::uint32_t line;
  const char* key;
  const char* message_part;
};

class ScenarioErrors : public ::testing::TestWithParam<BadInput> {};

TEST_P(ScenarioErrors, NameFileLineAndKey) {
  const BadInput& bad = GetParam();
  try {
    parse_scenario(bad.text, "bad.toml");
    FAIL() << "accepted: " << bad.what;
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(), "bad.toml") << bad.what;
    EXPECT_EQ(e.line(), bad.line) << bad.what << ": " << e.what();
    EXPECT_EQ(e.key(), bad.key) << bad.what << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find(bad.message_part), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind(std::string("bad.toml:") + std::to_string(bad.line) + ":", 0), 0u)
        << e.what();
  }
}

constexpr const char* kHead = "[scenario]\nname = \"x\"\nduration_ms = 1\n";

INSTANTIATE_TEST_SUITE_P(
    All, ScenarioErrors,
    ::testing::Values(
        BadInput{"syntax", "[scenario]\nname = \"x\nduration_ms = 1\n", 2, "", ""},
        BadInput{"unknown key", "[scenario]\nname = \"x\"\nduration_ms = 1\ncolour = 3\n", 4, "scenario.colour", "unknown key"},
        BadInput{"unknown table", "[scenario]\nname = \"x\"\nduration_ms = 1\n[extra]\na = 1\n", 4, "extra", "unknown key"},
        BadInput{"missing scenario", "[kernel]\ntick_hz = 100\n", 1, "scenario", "missing"},
        BadInput{"missing name", "[scenario]\nduration_ms = 1\n", 1, "scenario.name", "missing"},
        BadInput{"missing duration", "[scenario]\nname = \"x\"\n", 1, "scenario.duration", "duration_ms"},
        BadInput{"two durations", "[scenario]\nname = \"x\"\nduration_ms = 1\nduration_us = 5\n", 4, "scenario.duration_us", "only one"},
        BadInput{"wrong type", "[scenario]\nname = \"x\"\nduration_ms = \"ten\"\n", 3, "scenario.duration_ms", "integer"},
        BadInput{"float", "[scenario]\nname = \"x\"\nduration_ms = 1.5\n", 3, "scenario.duration_ms", "a float"},
        BadInput{"cpus out of range", "[scenario]\nname = \"x\"\nduration_ms = 1\ncpus = 99\n", 4, "scenario.cpus", "between 1 and 8"},
        BadInput{"tick too fast", "[scenario]\nname = \"x\"\nduration_ms = 1\ncpu_mhz = 100\n[kernel]\ntick_hz = 100000\n", 6, "kernel.tick_hz", "at least 2000"},
        BadInput{"bad task name", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"Bad Name\"\nprogram = \"counter\"\n", 5, "task[0].name", "a-z"},
        BadInput{"duplicate task", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"a\"\nprogram = \"counter\"\n[[task]]\nname = \"a\"\nprogram = \"counter\"\n", 8, "task[1].name", "duplicate"},
        BadInput{"bad program", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"a\"\nprogram = \"doom\"\n", 6, "task[0].program", "must be one of"},
        BadInput{"sleeper without sleep", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"a\"\nprogram = \"sleeper\"\n", 4, "task[0].sleep_us", "needs sleep_us"},
        BadInput{"bad kind", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"chaotic\"\nvector = 0x41\n", 6, "source[0].kind", "periodic, poisson, bursty"},
        BadInput{"not a device vector", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x30\nperiod_us = 5\n", 7, "source[0].vector", "device vector"},
        BadInput{"cpu beyond cpus", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x41\ncpu = 1\nperiod_us = 5\n", 8, "source[0].cpu", "does not exist"},
        BadInput{"key of another kind", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x41\nburst = 3\nperiod_us = 5\n", 8, "source[0].burst", "periodic"},
        BadInput{"livelock rate", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"poisson\"\nvector = 0x41\nmean_cycles = 10\n", 4, "source[0].mean", "livelock"},
        BadInput{"burst too wide", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"bursty\"\nvector = 0x41\nburst = 100\nburst_period_us = 1\nspacing_cycles = 50\n", 4, "source[0].spacing", "longer than"},
        BadInput{"unknown budget handler", "[scenario]\nname = \"x\"\nduration_ms = 1\n[budgets]\ntimmer = 500\n", 5, "budgets.timmer", "unknown handler"},
        BadInput{"unknown fault", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[fault]]\nkind = \"cosmic-ray\"\nrate_hz = 10\n", 5, "fault[0].kind", "must be one of"},
        BadInput{"fault without rate", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[fault]]\nkind = \"nmi\"\n", 4, "fault[0].mean", "rate_hz"},
        BadInput{"page fault for no task", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[fault]]\nkind = \"page-fault\"\nrate_hz = 10\ntask = \"ghost\"\n", 7, "fault[0].task", "no task"},
        BadInput{"level device off the device range", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[fault]]\nkind = \"level-device\"\nrate_hz = 10\nvector = 0x20\n", 7, "fault[0].vector", "device vector"},
        BadInput{"budget above ceiling", "[scenario]\nname = \"x\"\nduration_ms = 1\n[budgets]\ntimer = 5000\n", 5, "budgets.timer", "between 1 and 1000"}));

TEST(Scenario, MissingFileIsAnErrorNamingIt) {
  try {
    load_scenario("/nonexistent/x.toml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/x.toml");
    EXPECT_EQ(e.line(), 0u);
  }
}

}  // namespace
}  // namespace pristine::sim
