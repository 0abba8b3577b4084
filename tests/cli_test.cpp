// `pristine sim` as a user runs it: exit codes, error messages, JSON fields.
#include <gtest/gtest.h>

#include "tests/run_command.h"
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

using pristine::testing::pristine;

std::filesystem::path temp_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("pristine-cli-test-" + name);
  std::ofstream(path) << text;
  return path;
}

TEST(Cli, MalformedScenarioExitsTwoNamingFileLineAndKey) {
  const auto file = temp_file("bad.toml", "[scenario]\nname = \"x\"\nduration_ms = 5\ncpus = 99\n");
  const auto r = pristine("sim " + file.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(file.string() + ":4:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cpus"), std::string::npos) << r.output;
}

TEST(Cli, UnknownFlagExitsTwo) {
  const auto r = pristine("sim " PRISTINE_SOURCE_DIR "/scenarios/quiet.toml --sed 3");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--sed"), std::string::npos) << r.output;
}

TEST(Cli, MissingScenarioFileExitsTwo) {
  EXPECT_EQ(pristine("sim /nonexistent/scenario.toml").status, 2);
}

TEST(Cli, PassingRunExitsZeroAndWritesTheJsonReport) {
  const auto json_path = std::filesystem::temp_directory_path() / "pristine-cli-test-quiet.json";
  std::filesystem::remove(json_path);
  const auto r = pristine("sim " PRISTINE_SOURCE_DIR "/scenarios/quiet.toml --json " + json_path.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("verdict: PASS"), std::string::npos);
  std::ifstream in(json_path);
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["verdict"], "pass");
  ASSERT_FALSE(j["handlers"].empty());
  for (const char* key : {"name", "vector", "count", "cycles", "instructions", "budget"}) {
    EXPECT_TRUE(j["handlers"][0].contains(key)) << key;
  }
  for (const char* key : {"min", "p50", "p99", "max"}) EXPECT_TRUE(j["handlers"][0]["cycles"].contains(key)) << key;
  for (const char* key : {"injected", "delivered", "coalesced", "lost"}) {
    EXPECT_TRUE(j["interrupts"].contains(key)) << key;
  }
  EXPECT_TRUE(j["tasks"][0].contains("progress"));
  EXPECT_TRUE(j["violations"].is_array());
}

TEST(Cli, FailingRunExitsOne) {
  const auto file = temp_file("tight.toml",
                              "[scenario]\nname = \"tight\"\nduration_ms = 1\n[kernel]\ntick_hz = 10000\n"
                              "[[task]]\nname = \"a\"\nprogram = \"counter\"\n[budgets]\ntimer = 20\n");
  const auto r = pristine("sim " + file.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("OVER BUDGET"), std::string::npos) << r.output;
}

// Issue 13: a scenario whose dotted key has 40 000 parts overflowed the
// stack inside the TOML library (SIGSEGV, status -1 here); now exit 2 naming
// the file and line.
TEST(Cli, AScenarioWithAFortyThousandPartKeyExitsTwoNotACrash) {
  std::string key = "a";
  for (int i = 1; i < 40000; ++i) key += ".a";
  const auto file = temp_file("deep.toml", "[scenario]\nname = \"x\"\nduration_ms = 1\n[checks]\n" + key + " = 1\n");
  const auto r = pristine("sim " + file.string());
  EXPECT_EQ(r.status, 2) << r.output.substr(0, 300);
  EXPECT_NE(r.output.find(file.string() + ":5: : the key or table header"), std::string::npos) << r.output.substr(0, 300);
}

TEST(Cli, PlanSaysWhatTheRunWillModelWithoutRunningIt) {
  const auto r = pristine("sim --plan " PRISTINE_SOURCE_DIR "/scenarios/timer-storm.toml");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("plan: 20.000 ms modeled (40000000 cycles at 2000 MHz) on 1 CPU(s): about 200 timer ticks per CPU, ", 0), 0u)
      << r.output;
  EXPECT_EQ(r.output.find("verdict"), std::string::npos) << "it ran";
}

}  // namespace
