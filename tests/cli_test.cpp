// `pristine sim` as a user runs it: exit codes, error messages, JSON fields;
// the numbers and output paths of every subcommand (docs/input-limits.md,
// "Command line and output files").
#include <gtest/gtest.h>

#include "tests/run_command.h"
#include "tests/scratch_path.h"
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using pristine::testing::pristine;
using pristine::testing::run_command;

constexpr const char* kQuiet = PRISTINE_SOURCE_DIR "/scenarios/quiet.toml";

std::filesystem::path temp_file(const std::string& name, const std::string& text) {
  const auto path = pristine::testing::scratch_path("cli-test-" + name);
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

// A scenario for AArch64: the simulator refuses it at its `arch` key
// (its run loop drives x86-64 only so far) and writes nothing; `boot` with
// a contradicting --arch is refused the same way before QEMU starts.
// A scenario whose arch is aarch64 runs the AArch64 simulator image
// (aarch64-sim-kernel.elf beside sim-kernel.elf) unless --image names one,
// and an image of another CPU is refused by name; QEMU with another --arch
// is refused at the key.
TEST(Cli, AnAarch64ScenarioRunsTheAarch64ImageAndRefusesAnotherCpus) {
  const auto file = temp_file("arm.toml", "[scenario]\nname = \"arm\"\narch = \"aarch64\"\nduration_ms = 5\n"
                                          "[[task]]\nname = \"c\"\nprogram = \"counter\"\n");
  const auto json = pristine::testing::scratch_path("cli-test-arm.json");
  std::filesystem::remove(json);
  const auto sim = pristine("sim " + file.string() + " --json " + json.string());
  ASSERT_TRUE(std::filesystem::exists(json)) << sim.output;
  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in);
  bool counted = false;
  for (const auto& t : j["tasks"]) counted |= t["name"] == "c" && t["progress"].get<std::uint64_t>() > 0;
  EXPECT_TRUE(counted) << sim.output;
  EXPECT_NE(sim.output.find("ended by duration"), std::string::npos) << sim.output;

  const auto x86_image = pristine("sim " + file.string() + " --image " PRISTINE_BUILD_DIR "/images/sim-kernel.elf");
  EXPECT_EQ(x86_image.status, 2) << x86_image.output;
  EXPECT_NE(x86_image.output.find("sim-kernel.elf: an x86_64 image, and the scenario runs aarch64"), std::string::npos)
      << x86_image.output;

  const auto boot = pristine("boot --arch x86_64 --scenario " + file.string());
  EXPECT_EQ(boot.status, 2) << boot.output;
  EXPECT_NE(boot.output.find(file.string() + ":3: scenario.arch: aarch64, but --arch x86_64 was given"),
            std::string::npos)
      << boot.output;
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
  const auto json_path = pristine::testing::scratch_path("cli-test-quiet.json");
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


// ---- numbers on the command line: one strict parser, exit 2 naming the flag ----

// Each malformed number as the shell passes it (single-quoted for sh).
const std::vector<std::string> kBadWholeNumbers = {
    "-1", "18446744073709551616", "''", "1e3", "12abc", "' 12'", "'12 '", "0x10", "+5", "2^64", "1.0", "inf"};

bool ran(const std::string& output) { return output.find("verdict:") != std::string::npos; }

TEST(CliNumbers, MalformedSeedsAreRefusedNamingTheFlagBeforeTheRun) {
  for (const std::string& seed : kBadWholeNumbers) {
    const auto r = pristine(std::string("sim ") + kQuiet + " --seed " + seed);
    EXPECT_EQ(r.status, 2) << "--seed " << seed << "\n" << r.output;
    EXPECT_NE(r.output.find("--seed"), std::string::npos) << r.output;
    EXPECT_FALSE(ran(r.output)) << "--seed " << seed << " ran:\n" << r.output;
  }
}

TEST(CliNumbers, TheLargestSeedIsTakenAsIs) {
  const auto r = pristine(std::string("sim ") + kQuiet + " --seed 18446744073709551615");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("seed 18446744073709551615 "), std::string::npos) << r.output;
}

TEST(CliNumbers, EveryOtherNumericFlagIsParsedAsStrictly) {
  struct Case {
    std::string command;  // up to the flag
    std::string flag;
    std::vector<std::string> bad;
  };
  const std::vector<Case> cases = {
      {"boot --image /nonexistent.elf", "--smp", {"0", "9", "-1", "''", "1.5", "' 2'", "2x", "1e0", "4294967297"}},
      {"boot --image /nonexistent.elf", "--seconds",
       {"1e-3", "-1", "''", "inf", "nan", "0.0001", "601", "'0.5 '", "0x1p1", "1,5", "."}},
      {"calibrate --host", "--repetitions", {"0", "1", "1001", "-1", "''", "2.0", "1e2", "' 3'", "4294967297"}},
  };
  for (const Case& c : cases) {
    for (const std::string& value : c.bad) {
      const auto r = pristine(c.command + " " + c.flag + " " + value);
      EXPECT_EQ(r.status, 2) << c.flag << " " << value << "\n" << r.output;
      EXPECT_NE(r.output.find(c.flag), std::string::npos) << c.flag << " " << value << "\n" << r.output;
      EXPECT_EQ(r.output.find("no such kernel image"), std::string::npos)
          << c.flag << " " << value << " was accepted\n" << r.output;
    }
  }
  // Good values get past the parser (to the missing image, exit 2 for that).
  for (const char* good : {"--smp 8", "--seconds 0.25", "--seconds .5", "--seconds 600"}) {
    const auto r = pristine(std::string("boot --image /nonexistent.elf ") + good);
    EXPECT_NE(r.output.find("no such kernel image"), std::string::npos) << good << "\n" << r.output;
  }
}

// ---- output files: checked before the run, written whole or not at all ----

class CliOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "pristine-cli-output-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  std::filesystem::path dir_;
};

// Paths that cannot take a file, as the shell passes them.
std::vector<std::string> unwritable_paths(const std::filesystem::path& dir) {
  return {"''",                                           // empty
          dir.string(),                                   // a directory
          (dir / "missing" / "report.json").string(),     // no such directory
          (dir / "missing").string() + "/",               // names a directory
          "/proc/pristine-report.json"};                  // no file can be created there, not even by root
}

TEST_F(CliOutput, SimRefusesAnUnwritableJsonPathBeforeTheRun) {
  for (const std::string& path : unwritable_paths(dir_)) {
    const auto r = pristine(std::string("sim ") + kQuiet + " --json " + path);
    EXPECT_EQ(r.status, 2) << path << "\n" << r.output;
    EXPECT_NE(r.output.find("--json"), std::string::npos) << r.output;
    EXPECT_FALSE(ran(r.output)) << "refused only after the run: " << path << "\n" << r.output;
  }
  EXPECT_TRUE(entries().empty());
}

TEST_F(CliOutput, SimRefusesADirectoryWithoutWritePermission) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes into a read-only directory; /proc covers the refusal";
  const auto locked = dir_ / "locked";
  std::filesystem::create_directory(locked);
  std::filesystem::permissions(locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  const auto r = pristine(std::string("sim ") + kQuiet + " --json " + (locked / "report.json").string());
  std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--json"), std::string::npos) << r.output;
  EXPECT_FALSE(ran(r.output)) << r.output;
}

TEST_F(CliOutput, AFullDeviceFailsTheRunNamingTheFlag) {
  const auto r = pristine(std::string("sim ") + kQuiet + " --json /dev/full");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--json '/dev/full': the JSON report was NOT written"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
}

TEST_F(CliOutput, AStreamTakesTheWholeReport) {
  const auto r = pristine(std::string("sim ") + kQuiet + " --json /dev/stdout");
  EXPECT_EQ(r.status, 0) << r.output;
  const auto brace = r.output.find("\n{");
  ASSERT_NE(brace, std::string::npos) << r.output;
  EXPECT_EQ(nlohmann::json::parse(r.output.substr(brace + 1))["verdict"], "pass");
}

// The report cannot be written at the end (the file-size limit makes every
// write past 1 KiB fail): no partial file, no temporary file, and the earlier
// run's report is gone (removed when this run started), so nothing at the
// path can be taken for this run's.
TEST_F(CliOutput, AReportThatCannotBeWrittenLeavesNoFileNotEvenTheEarlierOne) {
  const auto report = dir_ / "report.json";
  std::ofstream(report) << R"({"verdict": "pass", "from": "an earlier run"})" << '\n';
  const auto r = run_command(std::string("trap '' XFSZ; ulimit -f 2; exec " PRISTINE_BUILD_DIR "/bin/pristine sim ") +
                             kQuiet + " --json " + report.string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("the JSON report was NOT written"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("File too large"), std::string::npos) << r.output;
  EXPECT_TRUE(ran(r.output)) << "the verdict is still printed";
  EXPECT_TRUE(entries().empty()) << "left: " << (entries().empty() ? "" : entries().front());
}

TEST_F(CliOutput, ARunThatWritesItsReportReplacesTheEarlierOne) {
  const auto report = dir_ / "report.json";
  std::ofstream(report) << R"({"from": "an earlier run"})" << '\n';
  const auto r = pristine(std::string("sim ") + kQuiet + " --json " + report.string());
  EXPECT_EQ(r.status, 0) << r.output;
  std::ifstream in(report);
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["verdict"], "pass");
  EXPECT_FALSE(j.contains("from"));
  EXPECT_EQ(entries(), std::vector<std::string>{"report.json"});
}

TEST_F(CliOutput, BudgetAndHostCalibrationRefuseAnUnwritableJsonPathBeforeTheRun) {
  for (const std::string& path : unwritable_paths(dir_)) {
    const auto budget = pristine("budget --json " + path);
    EXPECT_EQ(budget.status, 2) << path << "\n" << budget.output;
    EXPECT_NE(budget.output.find("--json"), std::string::npos) << budget.output;
    EXPECT_EQ(budget.output.find("budget gate:"), std::string::npos) << "ran the benchmarks:\n" << budget.output;
    const auto host = pristine("calibrate --host --repetitions 2 --json " + path);
    EXPECT_EQ(host.status, 2) << path << "\n" << host.output;
    EXPECT_NE(host.output.find("--json"), std::string::npos) << host.output;
    EXPECT_EQ(host.output.find("host calibration on"), std::string::npos) << "measured first:\n" << host.output;
  }
  EXPECT_TRUE(entries().empty());
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

// ---- pristine compare: per path, two runs of the same kind ---------------------

std::filesystem::path write_json(const std::string& name, const nlohmann::json& j) {
  return temp_file(name, j.dump(2));
}

nlohmann::json figures(std::uint64_t min, std::uint64_t p50, std::uint64_t p99, std::uint64_t max) {
  return {{"min", min}, {"p50", p50}, {"p99", p99}, {"max", max}};
}

TEST(Compare, FlagsASyntheticRegressionAndNotAnUnchangedPair) {
  const auto report = pristine::testing::scratch_path("cli-test-compare-quiet.json");
  ASSERT_EQ(pristine(std::string("sim ") + kQuiet + " --json " + report.string()).status, 0);
  const auto same = pristine("compare " + report.string() + " " + report.string());
  EXPECT_EQ(same.status, 0) << same.output;
  EXPECT_NE(same.output.find("compare: PASS (0 of "), std::string::npos) << same.output;

  std::ifstream in(report);
  nlohmann::json slower = nlohmann::json::parse(in);
  std::size_t timer = 0;  // quiet.toml's one path: timer+switch
  while (timer < slower["handlers"].size() && slower["handlers"][timer]["name"] != "timer+switch") ++timer;
  ASSERT_LT(timer, slower["handlers"].size()) << report;
  auto& p99 = slower["handlers"][timer]["cycles_exclusive"]["p99"];
  const std::uint64_t before = p99.get<std::uint64_t>();
  p99 = before * 3 / 2;  // +50 %
  const auto slower_file = write_json("compare-slower.json", slower);
  const auto out = pristine::testing::scratch_path("cli-test-compare-out.json");
  const auto flagged = pristine("compare " + report.string() + " " + slower_file.string() + " --json " + out.string());
  EXPECT_EQ(flagged.status, 1) << flagged.output;
  EXPECT_TRUE(std::regex_search(flagged.output, std::regex(R"(\ntimer\+switch +cycles p99 +\d+ +\d+ +\+(49|50)\.\d % +REGRESSION\n)")))
      << flagged.output;
  EXPECT_NE(flagged.output.find("compare: FLAGGED (1 of "), std::string::npos) << flagged.output;
  std::ifstream written(out);
  const auto j = nlohmann::json::parse(written);
  EXPECT_EQ(j["flagged"], true);
  EXPECT_EQ(j["comparison"], "sim");
  // Within a threshold above the rise, and faster, nothing is flagged.
  EXPECT_EQ(pristine("compare " + report.string() + " " + slower_file.string() + " --threshold 60").status, 0);
  EXPECT_EQ(pristine("compare " + slower_file.string() + " " + report.string()).status, 0) << "a fall is no regression";

  nlohmann::json fewer = nlohmann::json::parse(std::ifstream(report));
  fewer["handlers"].erase(timer);
  const auto fewer_file = write_json("compare-fewer.json", fewer);
  const auto missing = pristine("compare " + report.string() + " " + fewer_file.string());
  EXPECT_EQ(missing.status, 1) << missing.output;
  EXPECT_TRUE(std::regex_search(missing.output, std::regex(R"(\ntimer\+switch +- .*FLAGGED: only in before\n)"))) << missing.output;
}

TEST(Compare, ComparesTwoBudgetResultsPathByPath) {
  const auto result = [](std::uint64_t max) {
    return nlohmann::json{{"schema_version", 1}, {"gate", "budget"},
                          {"paths", {{{"path", "timer"}, {"cycles", figures(300, 320, 340, max)}, {"instructions", figures(90, 95, 99, 100)}},
                                     {{"path", "spurious"}, {"cycles", nullptr}, {"instructions", nullptr}}}}};
  };
  const auto a = write_json("compare-budget-a.json", result(400));
  const auto b = write_json("compare-budget-b.json", result(421));
  EXPECT_EQ(pristine("compare " + a.string() + " " + a.string()).status, 0);
  const auto r = pristine("compare " + a.string() + " " + b.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("cycles max"), std::string::npos) << r.output;
  EXPECT_EQ(pristine("compare " + a.string() + " " + b.string() + " --threshold 5.5").status, 0) << "+5.25 %";
}

TEST(Compare, RefusesBadInputNamingTheFileAndTheField) {
  const auto good = write_json("compare-good.json", {{"scenario", "s"}, {"handlers", {{{"name", "timer"},
                                                     {"cycles_exclusive", figures(1, 2, 3, 4)},
                                                     {"instructions_exclusive", figures(1, 2, 3, 4)}}}}});
  nlohmann::json bad_figure = nlohmann::json::parse(std::ifstream(good));
  bad_figure["handlers"][0]["cycles_exclusive"]["p99"] = "many";
  const auto bad = write_json("compare-bad-figure.json", bad_figure);
  const auto r = pristine("compare " + good.string() + " " + bad.string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find(bad.string() + ": handlers[0].cycles_exclusive.p99: must be a whole number"), std::string::npos)
      << r.output;

  const auto not_json = temp_file("compare-not-json.json", "{\"scenario\": ");
  const auto n = pristine("compare " + not_json.string() + " " + good.string());
  EXPECT_EQ(n.status, 2) << n.output;
  EXPECT_NE(n.output.find(not_json.string() + ": not JSON"), std::string::npos) << n.output;

  const auto neither = write_json("compare-neither.json", {{"verdict", "pass"}});
  const auto e = pristine("compare " + good.string() + " " + neither.string());
  EXPECT_EQ(e.status, 2) << e.output;
  EXPECT_NE(e.output.find(neither.string() + ": neither"), std::string::npos) << e.output;

  const auto newer = write_json("compare-newer.json", {{"schema_version", 2}, {"scenario", "s"}, {"handlers", nlohmann::json::array()}});
  const auto v = pristine("compare " + good.string() + " " + newer.string());
  EXPECT_EQ(v.status, 2) << v.output;
  EXPECT_NE(v.output.find(newer.string() + ": schema_version: 2 is not a version"), std::string::npos) << v.output;

  const auto budget = write_json("compare-budget.json", {{"schema_version", 1}, {"gate", "budget"}, {"paths", nlohmann::json::array()}});
  const auto mixed = pristine("compare " + good.string() + " " + budget.string());
  EXPECT_EQ(mixed.status, 2) << mixed.output;
  EXPECT_NE(mixed.output.find("is a `pristine sim --json` report and " + budget.string() + " is a `pristine budget --json` result"),
            std::string::npos)
      << mixed.output;
  EXPECT_EQ(pristine("compare " + good.string() + " /nonexistent/report.json").status, 2);
}

TEST(Cli, PlanSaysWhatTheRunWillModelWithoutRunningIt) {
  const auto r = pristine("sim --plan " PRISTINE_SOURCE_DIR "/scenarios/timer-storm.toml");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("plan: 20.000 ms modeled (40000000 cycles at 2000 MHz) on 1 CPU(s): about 200 timer ticks per CPU, ", 0), 0u)
      << r.output;
  EXPECT_EQ(r.output.find("verdict"), std::string::npos) << "it ran";
}

}  // namespace

namespace {

// What a user types first.
TEST(CliBasics, VersionNamesTheToolAndItsEngines) {
  const auto r = pristine("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("pristine "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Unicorn 2."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Capstone "), std::string::npos) << r.output;
}

TEST(CliBasics, AnUnknownSubcommandIsNamedWithTheKnownOnes) {
  const auto r = pristine("simm " PRISTINE_SOURCE_DIR "/scenarios/quiet.toml");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("unknown subcommand 'simm'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sim, boot"), std::string::npos) << r.output;
}

// Standard output alone (run_command takes both streams).
std::string standard_output_of(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  pclose(pipe);
  return output;
}

TEST(CliBasics, JsonToStandardOutputIsTheJsonAloneAndTheTextGoesToStandardError) {
  const std::string command = PRISTINE_BUILD_DIR "/bin/pristine sim " PRISTINE_SOURCE_DIR "/scenarios/quiet.toml --json -";
  const std::string json = standard_output_of(command + " 2>/dev/null");
  const nlohmann::json report = nlohmann::json::parse(json);  // throws if anything else is on stdout
  EXPECT_EQ(report["scenario"], "quiet");
  EXPECT_EQ(report["verdict"], "pass");
  EXPECT_FALSE(std::filesystem::exists("-")) << "'-' is standard output, not a file named '-'";
  const std::string text = standard_output_of(command + " 2>&1 >/dev/null");
  EXPECT_NE(text.find("verdict: PASS"), std::string::npos) << text;
}

TEST(CliBasics, ListShowsEveryShippedScenarioWithItsFirstSentence) {
  const auto r = pristine("list");
  ASSERT_EQ(r.status, 0) << r.output;
  std::size_t scenarios = 0;
  for (const auto& entry : std::filesystem::directory_iterator(PRISTINE_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    ++scenarios;
    EXPECT_NE(r.output.find("\n" + entry.path().stem().string() + " "), std::string::npos) << entry.path();
  }
  EXPECT_GT(scenarios, 10u);
  // quiet.toml opens with "# A quiet machine: the 1 kHz tick and two counting tasks, no devices."
  EXPECT_NE(r.output.find("A quiet machine: the 1 kHz tick and two counting tasks, no devices."), std::string::npos)
      << r.output;
  const auto missing = pristine("list /nonexistent/dir");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.output.find("/nonexistent/dir"), std::string::npos) << missing.output;
}

// GCC says __SANITIZE_ADDRESS__, clang __has_feature(address_sanitizer).
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PRISTINE_CLANG_ASAN 1
#endif
#endif
#ifndef PRISTINE_CLANG_ASAN
#define PRISTINE_CLANG_ASAN 0
#endif

// `cmake --install`: the installed tool finds its images and scenarios from
// where it is, and no source path is compiled into it.
TEST(CliInstall, TheInstalledToolRunsFromItsPrefixWithNoSourcePathInside) {
  const auto prefix = pristine::testing::scratch_path("cli-test-install");
  std::filesystem::remove_all(prefix);
  const auto install = run_command("cmake --install " PRISTINE_BUILD_DIR " --prefix " + prefix.string());
  ASSERT_EQ(install.status, 0) << install.output;
  const auto tool = prefix / "bin" / "pristine";
  ASSERT_TRUE(std::filesystem::exists(tool));
  EXPECT_TRUE(std::filesystem::exists(prefix / "share/pristine/images/sim-kernel.elf"));
  EXPECT_TRUE(std::filesystem::exists(prefix / "share/pristine/benches/budgets.toml"));
  const auto list = run_command(tool.string() + " list");
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find((prefix / "share/pristine/scenarios").string()), std::string::npos) << list.output;
  const auto run = run_command(tool.string() + " sim " + (prefix / "share/pristine/scenarios/quiet.toml").string());
  EXPECT_EQ(run.status, 0) << run.output;
  // No source path in what the tool runs with: its debug information (a -g
  // build) names the sources, so it is stripped from a copy first. An ASan
  // build also names them in its global-variable descriptors, so there the
  // bytes cannot tell; the tool ran from the prefix above all the same.
#if defined(__SANITIZE_ADDRESS__) || PRISTINE_CLANG_ASAN
  std::filesystem::remove_all(prefix);
  GTEST_SKIP() << "ASan build: the sanitizer's metadata names the source files";
#else
  const auto stripped = prefix / "pristine-stripped";
  const auto strip = run_command("objcopy --strip-debug " + tool.string() + " " + stripped.string());
  ASSERT_EQ(strip.status, 0) << strip.output;
  std::ifstream binary(stripped, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(binary)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(PRISTINE_SOURCE_DIR), std::string::npos) << "the source path is compiled into the tool";
  std::filesystem::remove_all(prefix);
#endif
}

}  // namespace

namespace {

// Ctrl-C during a long run: the run stops between turns and the report of
// what ran is printed and written (ended by "interrupted"), exit 130.
// A scenario that would run for minutes: the tests stop it.
std::filesystem::path long_scenario() {
  return temp_file("long.toml", "[scenario]\nname = \"long\"\nduration_ms = 10000\n"
                                "[[task]]\nname = \"c\"\nprogram = \"counter\"\n");
}

// `pristine sim SCENARIO EXTRA...` started in the background with its
// standard output and error on the given descriptors (closed here); its pid.
pid_t start_sim(const std::filesystem::path& scenario, const std::vector<std::string>& extra, int out_fd,
                int err_fd) {
  std::vector<std::string> words = {"pristine", "sim", scenario.string()};
  words.insert(words.end(), extra.begin(), extra.end());
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    execv(PRISTINE_BUILD_DIR "/bin/pristine", argv.data());
    _exit(127);
  }
  close(out_fd);
  if (err_fd != out_fd) close(err_fd);
  return pid;
}

TEST(CliInterrupt, CtrlCGivesThePartialReportOfWhatRan) {
  const auto json = pristine::testing::scratch_path("cli-test-long.json");
  std::filesystem::remove(json);
  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  const pid_t pid = start_sim(long_scenario(), {"--json", json.string()}, out[1], out[1]);
  ASSERT_GE(pid, 0);
  FILE* reader = fdopen(out[0], "r");
  std::string output;
  char line[4096];
  // The plan is printed once the handler is in place and before the run.
  while (fgets(line, sizeof line, reader)) {
    output += line;
    if (output.find("plan: ") != std::string::npos) break;
  }
  ASSERT_EQ(kill(pid, SIGINT), 0);
  while (fgets(line, sizeof line, reader)) output += line;
  fclose(reader);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 130) << output;
  EXPECT_NE(output.find("ended by interrupted"), std::string::npos) << output;
  EXPECT_NE(output.find("a partial report of the first"), std::string::npos) << output;
  std::ifstream in(json);
  ASSERT_TRUE(in) << "the partial report is written too";
  const auto report = nlohmann::json::parse(in);
  EXPECT_EQ(report["end"], "interrupted");
  EXPECT_LT(report["cycles"].get<std::uint64_t>(), report["duration_cycles"].get<std::uint64_t>());
}

}  // namespace

namespace {

// A long run shows its progress on standard error, a bar on a terminal, and
// never on standard output (which carries the report).
TEST(CliProgress, ALongRunShowsItsProgressOnStandardErrorOnly) {
  int terminal = -1, terminal_side = -1;
  ASSERT_EQ(openpty(&terminal, &terminal_side, nullptr, nullptr, nullptr), 0);
  fcntl(terminal, F_SETFD, FD_CLOEXEC);
  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  const pid_t pid = start_sim(long_scenario(), {}, out[1], terminal_side);
  ASSERT_GE(pid, 0);
  // Standard error until the bar shows a share of the run (bounded wait).
  std::string shown;
  char buffer[4096];
  const std::string bar = "pristine sim long: ";
  for (int waited_ms = 0; waited_ms < 60'000 && shown.find("% of the modeled time") == std::string::npos;) {
    pollfd p{terminal, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) {
      waited_ms += 100;
      continue;
    }
    const ssize_t n = read(terminal, buffer, sizeof buffer);
    if (n <= 0) break;
    shown.append(buffer, static_cast<std::size_t>(n));
  }
  ASSERT_EQ(kill(pid, SIGINT), 0);
  std::string output;
  for (ssize_t n; (n = read(out[0], buffer, sizeof buffer)) > 0;) output.append(buffer, static_cast<std::size_t>(n));
  close(out[0]);
  close(terminal);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_NE(shown.find(bar), std::string::npos) << "standard error: " << shown;
  EXPECT_NE(shown.find("% of the modeled time"), std::string::npos) << "standard error: " << shown;
  EXPECT_NE(shown.find("\r["), std::string::npos) << "a bar redrawn in place on a terminal: " << shown;
  EXPECT_EQ(output.find(bar), std::string::npos) << "standard output: " << output;
  EXPECT_NE(output.find("ended by interrupted"), std::string::npos) << "the report is on standard output: " << output;
}

}  // namespace
