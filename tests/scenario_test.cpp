// Scenario files: the shipped ones parse to the right values, and every kind
// of bad input is an error naming the file, the line and the key.
#include "sim/scenario.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cctype>

namespace pristine::sim {
namespace {

const std::filesystem::path kScenarios = PRISTINE_SOURCE_DIR "/scenarios";
// The smallest valid scenario; error cases append to it.
constexpr const char* kHead = "[scenario]\nname = \"x\"\nduration_ms = 1\n";

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
  EXPECT_EQ(quiet.name, "quiet");
  EXPECT_EQ(quiet.duration, 20'000'000u) << "10 ms at the default 2000 MHz";
  EXPECT_EQ(quiet.tick_hz, 1000u);
  ASSERT_EQ(quiet.tasks.size(), 2u);
  EXPECT_EQ(quiet.tasks[0].program, UserProgram::Counter);
  EXPECT_EQ(quiet.tasks[1].program, UserProgram::Counter);
  EXPECT_TRUE(quiet.sources.empty());
  EXPECT_TRUE(quiet.budgets.empty());
  EXPECT_EQ(quiet.seed, 1u) << "default seed";
  EXPECT_EQ(quiet.cpus, 1u) << "default cpus";
  const Scenario preempt = load_scenario(kScenarios / "preempt.toml");
  ASSERT_EQ(preempt.tasks.size(), 6u);
  EXPECT_EQ(preempt.tasks[2].priority, 1u);
  EXPECT_EQ(preempt.tasks[4].program, UserProgram::Sleeper);
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

TEST(Scenario, UnitsConvertToCycles) {
  const Scenario s = parse_scenario(R"(
[scenario]
name = "u"
cpu_mhz = 100
duration_us = 7
[[source]]
name = "p"
kind = "periodic"
vector = 0x40
period_ns = 1005       # 100.5 cycles: rounds half up
start_us = 3
[[source]]
name = "q"
kind = "poisson"
vector = 0x4f
rate_hz = 30000        # 1e8 / 3e4 = 3333.33: integer division
start_ns = 14          # 1.4 cycles: rounds down
[[source]]
name = "b"
kind = "bursty"
vector = 0x45
burst = 3
burst_period_cycles = 5000
spacing_ns = 5         # 0.5 cycles: rounds up to 1
)",
                                    "u.toml");
  EXPECT_EQ(s.cpu_hz, 100'000'000u);
  EXPECT_EQ(s.duration, 700u);
  ASSERT_EQ(s.sources.size(), 3u);
  EXPECT_EQ(s.sources[0].period, 101u);
  EXPECT_EQ(s.sources[0].start, 300u);
  EXPECT_EQ(s.sources[0].cpu, 0u) << "default cpu";
  EXPECT_EQ(s.sources[1].period, 3333u);
  EXPECT_EQ(s.sources[1].start, 1u);
  EXPECT_EQ(s.sources[1].vector, 0x4f);
  EXPECT_EQ(s.sources[2].burst, 3u);
  EXPECT_EQ(s.sources[2].burst_period, 5000u);
  EXPECT_EQ(s.sources[2].spacing, 1u);
  EXPECT_EQ(s.sources[2].start, 0u) << "default start";
}

TEST(Scenario, DefaultsWithoutOptionalTables) {
  const Scenario s = parse_scenario(kHead, "d.toml");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.cpu_hz, 2'000'000'000u);
  EXPECT_EQ(s.cpus, 1u);
  EXPECT_EQ(s.duration, 2'000'000u);
  EXPECT_EQ(s.tick_hz, 1000u);
  EXPECT_TRUE(s.tasks.empty());
  EXPECT_TRUE(s.sources.empty());
  EXPECT_EQ(s.budget_for("timer"), s.default_budget);
  EXPECT_EQ(s.file, "d.toml");
}

TEST(Scenario, TickPeriodOfExactlyTheMinimumIsAccepted) {
  // 2000 MHz / 1 MHz = 2000 cycles: the boundary is inclusive.
  const Scenario s = parse_scenario(std::string(kHead) + "[kernel]\ntick_hz = 1000000\n", "t.toml");
  EXPECT_EQ(s.tick_hz, 1'000'000u);
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

INSTANTIATE_TEST_SUITE_P(
    All, ScenarioErrors,
    ::testing::Values(
        BadInput{"syntax", "[scenario]\nname = \"x\nduration_ms = 1\n", 2, "", ""},
        BadInput{"unknown key", "[scenario]\nname = \"x\"\nduration_ms = 1\ncolour = 3\n", 4, "scenario.colour", "unknown key"},
        BadInput{"unknown table", "[scenario]\nname = \"x\"\nduration_ms = 1\n[extra]\na = 1\n", 4, "extra", "unknown table (allowed: [scenario]"},
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
        BadInput{"fuzzer without arg", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"a\"\nprogram = \"syscall-fuzz\"\n", 4, "task[0].arg", "needs arg"},
        BadInput{"arg where none is taken", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"a\"\nprogram = \"counter\"\narg = 3\n", 7, "task[0].arg", "takes no arg"},
        BadInput{"negative arg", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"a\"\nprogram = \"syscall-fuzz\"\narg = -1\n", 7, "task[0].arg", "out of range"},
        BadInput{"sleeper without sleep", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"a\"\nprogram = \"sleeper\"\n", 4, "task[0].sleep_us", "needs sleep_us"},
        BadInput{"bad kind", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"chaotic\"\nvector = 0x41\n", 6, "source[0].kind", "periodic, poisson, bursty"},
        BadInput{"not a device vector", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x30\nperiod_us = 5\n", 7, "source[0].vector", "device vector"},
        BadInput{"cpu beyond cpus", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x41\ncpu = 1\nperiod_us = 5\n", 8, "source[0].cpu", "does not exist"},
        BadInput{"key of another kind", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x41\nburst = 3\nperiod_us = 5\n", 8, "source[0].burst", "unknown key for a periodic source (allowed: name, kind"},
        BadInput{"livelock mean", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"poisson\"\nvector = 0x41\nmean_cycles = 10\n", 8, "source[0].mean_cycles", "livelock: must be at least 100"},
        BadInput{"livelock rate", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x41\nrate_hz = 100000000\n", 8, "source[0].rate_hz", "20 cycles between interrupts is a livelock"},
        BadInput{"burst too wide", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"bursty\"\nvector = 0x41\nburst = 100\nburst_period_us = 1\nspacing_cycles = 50\n", 10, "source[0].spacing_cycles", "burst * spacing must be less than the 2000 cycles"},
        BadInput{"burst without spacing", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"bursty\"\nvector = 0x41\nburst = 2\nburst_rate_hz = 1000\n", 4, "source[0].spacing", "spacing_ns | spacing_cycles"},
        BadInput{"vector beyond a byte", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x441\nperiod_us = 5\n", 7, "source[0].vector", "must be between 0x40 and 0x4f"},
        BadInput{"negative vector", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = -1\nperiod_us = 5\n", 7, "source[0].vector", "device vector"},
        BadInput{"vector as a string", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = \"0x41\"\nperiod_us = 5\n", 7, "source[0].vector", "must be an integer, not a string"},
        BadInput{"missing vector", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nperiod_us = 5\n", 4, "source[0].vector", "missing required key"},
        BadInput{"duplicate source", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x41\nperiod_us = 5\n[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x42\nperiod_us = 5\n", 10, "source[1].name", "duplicate source name"},
        BadInput{"ns rounding to zero", "[scenario]\nname = \"x\"\nduration_ms = 1\ncpu_mhz = 100\n[[source]]\nname = \"d\"\nkind = \"bursty\"\nvector = 0x41\nburst = 2\nburst_rate_hz = 1000\nspacing_ns = 4\n", 11, "source[0].spacing_ns", "converts to 0 cycles"},
        BadInput{"rate above the clock", "[scenario]\nname = \"x\"\nduration_ms = 1\ncpu_mhz = 1\n[kernel]\ntick_hz = 100\n[[source]]\nname = \"d\"\nkind = \"poisson\"\nvector = 0x41\nrate_hz = 2000000\n", 11, "source[0].rate_hz", "converts to 0 cycles"},
        BadInput{"overflowing duration", "[scenario]\nname = \"x\"\nduration_ms = 9223372036854775807\n", 3, "scenario.duration_ms", "too large"},
        BadInput{"zero duration", "[scenario]\nname = \"x\"\nduration_cycles = 0\n", 3, "scenario.duration_cycles", "at least 1 cycle"},
        BadInput{"empty name", "[scenario]\nname = \"\"\nduration_ms = 1\n", 2, "scenario.name", "must not be empty"},
        BadInput{"missing program", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"a\"\n", 4, "task[0].program", "missing required key"},
        BadInput{"task not an array of tables", "task = 5\n[scenario]\nname = \"x\"\nduration_ms = 1\n", 1, "task", "write [[task]]"},
        BadInput{"cpu_mhz zero", "[scenario]\nname = \"x\"\nduration_ms = 1\ncpu_mhz = 0\n", 4, "scenario.cpu_mhz", "between 1 and 10000"},
        BadInput{"second index in key", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"a\"\nprogram = \"counter\"\n[[task]]\nname = \"b\"\nprogram = \"counter\"\nspeed = 3\n", 10, "task[1].speed", "allowed here: name, program"},
        BadInput{"unknown budget handler", "[scenario]\nname = \"x\"\nduration_ms = 1\n[budgets]\ntimmer = 500\n", 5, "budgets.timmer", "unknown handler"},
        BadInput{"unknown fault", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[fault]]\nkind = \"cosmic-ray\"\nrate_hz = 10\n", 5, "fault[0].kind", "must be one of"},
        BadInput{"fault without rate", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[fault]]\nkind = \"nmi\"\n", 4, "fault[0].mean", "rate_hz"},
        BadInput{"page fault for no task", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[fault]]\nkind = \"page-fault\"\nrate_hz = 10\ntask = \"ghost\"\n", 7, "fault[0].task", "no task"},
        BadInput{"level device off the device range", "[scenario]\nname = \"x\"\nduration_ms = 1\n[[fault]]\nkind = \"level-device\"\nrate_hz = 10\nvector = 0x20\n", 7, "fault[0].vector", "device vector"},
        BadInput{"budget above ceiling", "[scenario]\nname = \"x\"\nduration_ms = 1\n[budgets]\ntimer = 5000\n", 5, "budgets.timer", "between 1 and 1000"},
        BadInput{"budget as a float", "[scenario]\nname = \"x\"\nduration_ms = 1\n[budgets]\ndevice1 = 800.0\n", 5, "budgets.device1", "must be an integer, not a float"},
        BadInput{"share above one", "[scenario]\nname = \"x\"\nduration_ms = 1\n[checks]\nmin_cpu_share = 1.5\n", 5, "checks.min_cpu_share", "1.5 is out of range: must be a fraction between 0 (no check) and 1"},
        BadInput{"negative share", "[scenario]\nname = \"x\"\nduration_ms = 1\n[checks]\n\nmin_cpu_share = -0.01\n", 6, "checks.min_cpu_share", "out of range"},
        BadInput{"share as an integer above one", "[scenario]\nname = \"x\"\nduration_ms = 1\n[checks]\nmin_cpu_share = 5\n", 5, "checks.min_cpu_share", "5 is out of range"},
        BadInput{"share as a percent string", "[scenario]\nname = \"x\"\nduration_ms = 1\n[checks]\nmin_cpu_share = \"5%\"\n", 5, "checks.min_cpu_share", "must be a number, not a string"},
        BadInput{"share not a number", "[scenario]\nname = \"x\"\nduration_ms = 1\n[checks]\nmin_cpu_share = nan\n", 5, "checks.min_cpu_share", "out of range"},
        BadInput{"unknown check", "[scenario]\nname = \"x\"\nduration_ms = 1\n[checks]\nmin_cpu_share = 0.1\nmax_share = 0.5\n", 6, "checks.max_share", "unknown key (allowed here: min_cpu_share)"},
        BadInput{"checks not a table", "checks = 0.05\n[scenario]\nname = \"x\"\nduration_ms = 1\n", 1, "checks", "must be a table"}),
    [](const ::testing::TestParamInfo<BadInput>& info) {
      std::string name = info.param.what;
      for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST(Scenario, MinimumCpuShareDefaultsToFivePercentAndAcceptsZeroToOne) {
  EXPECT_DOUBLE_EQ(parse_scenario(kHead, "x.toml").min_cpu_share, 0.05);
  EXPECT_DOUBLE_EQ(load_scenario(kScenarios / "device-storm.toml").min_cpu_share, 0.05);
  const std::pair<const char*, double> cases[] = {{"0.02", 0.02}, {"0", 0.0}, {"0.0", 0.0}, {"1", 1.0}, {"1.0", 1.0}};
  for (const auto& [text, value] : cases) {
    const Scenario s = parse_scenario(std::string(kHead) + "[checks]\nmin_cpu_share = " + text + "\n", "x.toml");
    EXPECT_DOUBLE_EQ(s.min_cpu_share, value) << text;
  }
  EXPECT_DOUBLE_EQ(parse_scenario(std::string(kHead) + "[checks]\n", "x.toml").min_cpu_share, 0.05) << "empty [checks]";
}

TEST(Scenario, ErrorTextIsFileLineKeyMessage) {
  try {
    parse_scenario("[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"d\"\nkind = \"periodic\"\n"
                   "vector = 0x30\nperiod_us = 5\n",
                   "scenarios/bad.toml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "scenarios/bad.toml:7: source[0].vector: 0x30 is not a device vector: must be between 0x40 and 0x4f");
  }
}

TEST(Scenario, AtMostSixteenTasks) {
  std::string text(kHead);
  for (int i = 0; i < 17; ++i) text += fmt::format("[[task]]\nname = \"t{}\"\nprogram = \"counter\"\n", i);
  EXPECT_NO_THROW(parse_scenario(text.substr(0, text.rfind("[[task]]")), "ok.toml"));
  try {
    parse_scenario(text, "bad.toml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.key(), "task");
    EXPECT_NE(std::string(e.what()).find("at most 16"), std::string::npos) << e.what();
  }
}

TEST(Scenario, MissingFileIsAnErrorNamingIt) {
  for (const char* path : {"/nonexistent/x.toml", PRISTINE_SOURCE_DIR "/scenarios"}) {
    try {
      load_scenario(path);
      FAIL() << path;
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.file(), path);
      EXPECT_EQ(e.line(), 0u);
      EXPECT_EQ(e.key(), "");
      EXPECT_EQ(std::string(e.what()).rfind(std::string(path) + ":0: : ", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace pristine::sim
