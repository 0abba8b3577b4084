// The PC command line's words have one source (core/boot/command_line_words.def):
// everything `pristine boot` writes into QEMU's -append is read by the
// kernel's parser (core/boot/command_line.cpp, compiled for the host)
// without a single notice, and reads back as what the host meant.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/boot/command_line.h"
#include "sim/cli/boot_command.h"
#include "sim/cli/scenario_args.h"
#include "sim/scenario.h"

namespace pristine {
namespace {

std::vector<std::string> g_notices;

void record_notice(const char* what, const char* word, std::size_t length) {
  g_notices.push_back(std::string(what) + ": " + std::string(word, length));
}

boot::CommandLine parse_what_the_host_writes(const cli::BootOptions& options) {
  const std::vector<std::string> cmd = cli::qemu_command(options);
  const auto append = std::find(cmd.begin(), cmd.end(), "-append");
  EXPECT_NE(append, cmd.end());
  if (append == cmd.end() || append + 1 == cmd.end()) return {};
  g_notices.clear();
  const std::string& text = *(append + 1);
  const boot::CommandLine line = boot::parse_command_line(text.c_str(), text.size(), record_notice);
  EXPECT_TRUE(g_notices.empty()) << "the parser refused a word the host wrote: " << g_notices.front() << "\n" << text;
  return line;
}

cli::BootOptions boot_options(cli::BootOptions::Mode mode, unsigned smp, double seconds) {
  cli::BootOptions o;
  o.mode = mode;
  o.smp = smp;
  o.seconds = seconds;
  o.image = "kernel.elf";
  return o;
}

TEST(CommandLineWords, EveryModesWordsAreTheParsers) {
  const boot::CommandLine icount = parse_what_the_host_writes(boot_options(cli::BootOptions::Mode::Icount, 4, 0.25));
  EXPECT_TRUE(icount.icount);
  EXPECT_EQ(icount.cpus, 4u);
  EXPECT_EQ(icount.run_us, 250'000u);
  const boot::CommandLine tcg = parse_what_the_host_writes(boot_options(cli::BootOptions::Mode::Tcg, 1, 1.0));
  EXPECT_FALSE(tcg.icount);
  EXPECT_EQ(tcg.cpus, 1u);
  EXPECT_EQ(tcg.run_us, 1'000'000u);
}

class ScenarioWords : public testing::TestWithParam<const char*> {};

TEST_P(ScenarioWords, EveryTaskAndTheTickAreTheParsers) {
  const sim::Scenario scenario = sim::load_scenario(std::string(PRISTINE_SOURCE_DIR "/scenarios/") + GetParam());
  cli::BootOptions o = boot_options(cli::BootOptions::Mode::Icount, scenario.cpus, 0.5);
  o.kernel_args = cli::kernel_args_for(scenario);
  const boot::CommandLine line = parse_what_the_host_writes(o);
  EXPECT_EQ(line.tick_hz, scenario.tick_hz);
  ASSERT_EQ(line.task_count, scenario.tasks.size());
  for (std::size_t i = 0; i < scenario.tasks.size(); ++i) {
    EXPECT_EQ(std::string(line.tasks[i].name), scenario.tasks[i].name);
    EXPECT_EQ(line.tasks[i].program, scenario.tasks[i].program) << scenario.tasks[i].name;
    EXPECT_EQ(line.tasks[i].priority, scenario.tasks[i].priority) << scenario.tasks[i].name;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioWords,
                         testing::Values("preempt.toml", "smp-boot.toml", "faults.toml", "quiet.toml"));

}  // namespace
}  // namespace pristine

namespace pristine {
namespace {

// `pristine boot --scenario` names what of a scenario the PC cannot do.
TEST(ScenarioOnThePc, WhatThePcCannotDoIsNamedAndNothingElse) {
  const sim::Scenario s = sim::parse_scenario(R"(
[scenario]
name = "mixed"
duration_ms = 5
[[source]]
name = "nic"
kind = "poisson"
vector = 0x41
rate_hz = 1000
[[source]]
name = "line8"
kind = "periodic"
vector = 0x48
period_ns = 100000
[[source]]
name = "line8-bursts"
kind = "bursty"
vector = 0x48
burst = 4
burst_rate_hz = 100
spacing_ns = 500
[[fault]]
kind = "nmi"
rate_hz = 1000
[budgets]
timer = 900
)",
                                               "mixed.toml");
  const std::vector<std::string> ignored = cli::ignored_on_the_pc(s);
  ASSERT_EQ(ignored.size(), 4u);
  EXPECT_NE(ignored[0].find("source 'nic' (vector 0x41)"), std::string::npos) << ignored[0];
  EXPECT_NE(ignored[1].find("source 'line8-bursts': its bursty arrivals"), std::string::npos) << ignored[1];
  EXPECT_NE(ignored[2].find("fault 'nmi'"), std::string::npos) << ignored[2];
  EXPECT_NE(ignored[3].find("[budgets] timer"), std::string::npos) << ignored[3];
  for (const std::string& line : ignored) EXPECT_EQ(line.find("'line8':"), std::string::npos) << line;
}

TEST(ScenarioOnThePc, AScenarioThePcRunsWholeIgnoresNothing) {
  const sim::Scenario s = sim::load_scenario(PRISTINE_SOURCE_DIR "/scenarios/preempt.toml");
  EXPECT_TRUE(cli::ignored_on_the_pc(s).empty());
}

}  // namespace
}  // namespace pristine
