// `pristine swarm`: drawn scenarios are a function of the seed and always
// valid; a failing seed is listed with a replay command that reproduces it.
#include "sim/swarm.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "sim/scenario.h"
#include "tests/run_command.h"

namespace pristine::sim {
namespace {

using pristine::testing::pristine;

TEST(SwarmScenario, TheSameSeedDrawsTheSameScenarioAndSeedsDiffer) {
  EXPECT_EQ(draw_swarm_scenario(42), draw_swarm_scenario(42));
  std::set<std::string> drawn;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) drawn.insert(draw_swarm_scenario(seed));
  EXPECT_EQ(drawn.size(), 50u);
}

TEST(SwarmScenario, EveryDrawnScenarioIsValidAndSpansTheDocumentedRanges) {
  std::set<std::uint32_t> cpus;
  std::set<std::string> programs, fault_kinds, source_kinds_drawn;
  std::size_t with_sources = 0;
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    const Scenario s = parse_scenario(draw_swarm_scenario(seed), "swarm.toml");  // throws if invalid
    cpus.insert(s.cpus);
    EXPECT_LE(s.tasks.size(), 2u * s.cpus) << seed;
    EXPECT_GE(s.tasks.size(), 1u) << seed;
    for (const TaskSpec& t : s.tasks) programs.insert(std::string(program_name(t.program)));
    for (const FaultSpec& f : s.faults) fault_kinds.insert(std::string(fault_kind_name(f.kind)));
    for (const SourceSpec& src : s.sources) source_kinds_drawn.insert(source_kind_info(src.kind).name);
    with_sources += !s.sources.empty();
  }
  EXPECT_EQ(cpus, (std::set<std::uint32_t>{1, 2, 3, 4}));
  EXPECT_GE(programs.size(), 14u) << "every program is drawn";
  EXPECT_EQ(fault_kinds.size(), kFaultKindCount) << "every fault kind is drawn (sim/swarm.cpp)";
  EXPECT_EQ(source_kinds_drawn.size(), source_kinds().size()) << "every source kind is drawn (sim/swarm.cpp)";
  EXPECT_GT(with_sources, 1000u);
}

TEST(Swarm, AFailingSeedIsListedWithAReplayCommandThatReproducesIt) {
  // An image that sends a second EOI on every tick fails every seed.
  const std::string broken = PRISTINE_BUILD_DIR "/images/sim-kernel-broken-double-eoi.elf";
  const auto r = pristine("swarm --seeds 2 --first 5 --jobs 2 --image " + broken);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("seed 5: FAIL (double-eoi"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("replay: pristine swarm --seed 6 --write swarm-6.toml"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 run, 0 passed, 2 failed"), std::string::npos) << r.output;

  const auto file = std::filesystem::path(PRISTINE_BUILD_DIR) / "swarm-test-6.toml";
  std::filesystem::remove(file);
  const auto replay = pristine("swarm --seed 6 --write " + file.string() + " --image " + broken);
  EXPECT_EQ(replay.status, 1) << replay.output;
  EXPECT_NE(replay.output.find("VIOLATION double-eoi"), std::string::npos) << replay.output;
  std::stringstream written;
  written << std::ifstream(file).rdbuf();
  EXPECT_EQ(written.str(), draw_swarm_scenario(6)) << "the replay writes the drawn scenario";
  // ... which `pristine sim` runs to the same verdict.
  EXPECT_EQ(pristine("sim " + file.string() + " --image " + broken).status, 1);
}

TEST(Swarm, BadNumbersAndOutputPathsAreRefusedNamingTheFlag) {
  for (const char* args : {"--seeds -3", "--seeds 0", "--seeds 12abc", "--jobs 0", "--first 99999999999999999999",
                           "--seed 1 --seeds 2"}) {
    const auto r = pristine(std::string("swarm ") + args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.output;
  }
  const auto r = pristine("swarm --seed 3 --write /nonexistent/swarm-3.toml");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--write"), std::string::npos) << r.output;
}

TEST(Swarm, AFewHundredSeedsRunClean) {
  const auto r = pristine("swarm --seeds 200 --first 1");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("200 run, 200 passed, 0 failed"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace pristine::sim
