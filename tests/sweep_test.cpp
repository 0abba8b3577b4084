// `pristine sweep` and `pristine sweep merge` (docs/sweeps.md): seed ranges
// and shards are parsed strictly and partition the range; a failing seed is
// listed with a replay command that reproduces it; a worker that dies is that
// seed's crash, not the sweep's; the summary does not depend on the worker
// count; shards merged equal the unsharded sweep; merge refuses what is not
// every shard of one sweep.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "sim/cli/sweep_range.h"
#include "tests/run_command.h"
#include "tests/scenario_files.h"

namespace pristine::cli {
namespace {

using pristine::testing::pristine;
using pristine::testing::read_file;
namespace fs = std::filesystem;

// 2 ms of a Poisson device source beside the tick (a few ms per seed).
constexpr const char* kShortScenario = PRISTINE_SOURCE_DIR "/tests/sweep-short.toml";

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(PRISTINE_BUILD_DIR) / "sweep-test";
  fs::create_directories(dir);
  return dir / name;
}

fs::path write_file(const std::string& name, const std::string& text) {
  const fs::path path = scratch(name);
  std::ofstream(path) << text;
  return path;
}

// Only standard output: the summary (the progress lines go to standard error).
testing::CommandResult sweep_stdout(const std::string& args) {
  return testing::run_command(std::string("(" PRISTINE_BUILD_DIR "/bin/pristine ") + args + " 2>/dev/null)");
}

TEST(SweepRange, RangesAndShardsAreParsedStrictly) {
  std::string why;
  const auto range = parse_seed_range("5..9", why);
  ASSERT_TRUE(range) << why;
  EXPECT_EQ(*range, (SeedRange{5, 9}));
  EXPECT_EQ(range->count(), 5u);
  EXPECT_TRUE(parse_seed_range("7..7", why));
  for (const char* bad : {"", "5", "5..", "..5", "9..5", "-1..3", "1..2..3", "1-20", "a..b", " 1..2", "1..2 ",
                          "0..18446744073709551615", "0..1000000000", "1..18446744073709551616"}) {
    EXPECT_FALSE(parse_seed_range(bad, why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
  EXPECT_TRUE(parse_seed_range("0..999999999", why)) << "the largest range: a billion seeds";
  const auto shard = parse_shard("1/3", why);
  ASSERT_TRUE(shard) << why;
  EXPECT_EQ(*shard, (Shard{1, 3}));
  for (const char* bad : {"", "1", "3/3", "4/3", "0/0", "-1/2", "1/-2", "a/2", "1/2/3", "0/1000001"}) {
    EXPECT_FALSE(parse_shard(bad, why)) << bad;
  }
}

TEST(SweepRange, TheShardsPartitionTheRange) {
  const SeedRange range{10, 26};
  for (std::uint64_t count : {1u, 2u, 3u, 17u, 20u}) {
    std::multiset<std::uint64_t> seen;
    for (std::uint64_t index = 0; index < count; ++index) {
      std::uint64_t in = 0;
      for (std::uint64_t s = range.first; s <= range.last; ++s) {
        if (in_shard(s, range, {index, count})) {
          seen.insert(s);
          ++in;
        }
      }
      EXPECT_EQ(in, shard_size(range, {index, count})) << index << "/" << count;
    }
    EXPECT_EQ(seen.size(), range.count()) << count;
    EXPECT_EQ(std::set<std::uint64_t>(seen.begin(), seen.end()).size(), range.count()) << count;
  }
}

TEST(Sweep, BadRangesShardsAndOutputsAreRefusedNamingTheFlag) {
  const std::string scenario = kShortScenario;
  for (const auto& [args, flag] : std::vector<std::pair<std::string, std::string>>{
           {"--seeds 9..5", "--seeds"},
           {"--seeds 1-5", "--seeds"},
           {"--seeds -1..5", "--seeds"},
           {"--seeds 0..18446744073709551615", "--seeds"},
           {"", "--seeds"},
           {"--seeds 1..5 --shard 2/2", "--shard"},
           {"--seeds 1..5 --shard 0/0", "--shard"},
           {"--seeds 1..5 --shard 1", "--shard"},
           {"--seeds 1..5 -j 0", "-j"},
           {"--seeds 1..5 --json /nonexistent/sweep.json", "--json"},
           {"--seeds 1..5 --image /nonexistent/sim-kernel.elf", "--image"}}) {
    const auto r = pristine("sweep " + scenario + " " + args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(flag), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(r.output.find("seeds run"), std::string::npos) << "refused before any run: " << args;
  }
  const auto missing = pristine("sweep --seeds 1..2");
  EXPECT_EQ(missing.status, 2) << missing.output;
  const auto malformed = pristine("sweep " + write_file("bad.toml", "[scenario]\nname = 3\n").string() + " --seeds 1..2");
  EXPECT_EQ(malformed.status, 2) << malformed.output;
  EXPECT_NE(malformed.output.find("bad.toml"), std::string::npos) << malformed.output;
}

TEST(Sweep, AFailingSeedIsListedWithAReplayCommandThatReproducesIt) {
  // An image that sends a second EOI on every tick: every seed fails.
  const std::string broken = PRISTINE_BUILD_DIR "/images/sim-kernel-broken-double-eoi.elf";
  const std::string scenario = kShortScenario;
  const fs::path junit = scratch("failing.xml");
  const auto r = sweep_stdout("sweep " + scenario + " --seeds 5..6 -j 2 --image " + broken + " --junit " + junit.string());
  EXPECT_EQ(r.status, 1) << r.output;
  // For CI: a case per seed, each failed with its kind and its replay command.
  const std::string xml = read_file(junit);
  EXPECT_NE(xml.find("tests=\"2\" failures=\"2\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"seed 6\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("type=\"double-eoi\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("replay: pristine sim "), std::string::npos) << xml;
  EXPECT_NE(r.output.find("2 run, 0 passed, 2 failed"), std::string::npos) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("\n  double-eoi +2\n"))) << r.output;
  const std::string replay = "pristine sim " + scenario + " --seed 6 --image " + broken;
  EXPECT_NE(r.output.find("seed 6: FAIL (double-eoi); replay: " + replay + "\n"), std::string::npos) << r.output;

  const auto again = testing::run_command(PRISTINE_BUILD_DIR "/bin/" + replay + " 2>&1");
  EXPECT_EQ(again.status, 1) << again.output;
  EXPECT_NE(again.output.find("seed 6"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("VIOLATION double-eoi"), std::string::npos) << again.output;
}

TEST(Sweep, AWorkerThatDiesIsThatSeedsCrashAndTheSweepGoesOn) {
  // Not an ELF file: each worker exits with status 2 and writes no report.
  const std::string corrupt = write_file("corrupt.elf", "\x7f" "ELF but not really").string();
  const std::string scenario = kShortScenario;
  const fs::path json = scratch("crash.json");
  const auto r = sweep_stdout("sweep " + scenario + " --seeds 1..3 -j 2 --image " + corrupt + " --json " + json.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("3 run, 0 passed, 3 failed"), std::string::npos) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("\n  crash +3\n"))) << r.output;
  for (int seed = 1; seed <= 3; ++seed) {
    const std::string line = "seed " + std::to_string(seed) + ": FAIL (crash, exit status 2); replay: pristine sim " +
                             scenario + " --seed " + std::to_string(seed) + " --image " + corrupt + "\n";
    EXPECT_NE(r.output.find(line), std::string::npos) << r.output;
  }
  const auto j = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(j["failed"], 3);
  EXPECT_EQ(j["results"][1]["kinds"], nlohmann::json::array({"crash"}));
  EXPECT_EQ(j["results"][1]["crash"], "exit status 2");
}

// The pids /proc lists as `pid`'s children (empty once it has none).
std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> pids;
  for (pid_t child; in >> child;) pids.push_back(child);
  return pids;
}

TEST(Sweep, InterruptedItStopsItsWorkersSaysWhatRanAndLeavesNothingBehind) {
  // Seeds that would each run for minutes: the sweep is interrupted while its
  // two workers run. Its own temporary directory goes in a private TMPDIR.
  const fs::path scenario = write_file("long.toml", "[scenario]\nname = \"long\"\nduration_ms = 10000\n"
                                                    "[[task]]\nname = \"c\"\nprogram = \"counter\"\n");
  const fs::path tmp = scratch("tmp-" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const fs::path json = scratch("interrupted-" + std::to_string(getpid()) + ".json");
  std::ofstream(json) << "an earlier sweep's result";
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t sweep = fork();
  ASSERT_GE(sweep, 0);
  if (sweep == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    setenv("TMPDIR", tmp.c_str(), 1);
    execl(PRISTINE_BUILD_DIR "/bin/pristine", "pristine", "sweep", scenario.c_str(), "--seeds", "1..4", "-j", "2",
          "--json", json.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  // Both workers started (polled, bounded: each starts in milliseconds).
  std::vector<pid_t> workers;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((workers = children_of(sweep)).size() < 2 && std::chrono::steady_clock::now() < deadline) {
    const timespec poll_interval{0, 10'000'000};
    nanosleep(&poll_interval, nullptr);
  }
  ASSERT_EQ(workers.size(), 2u);
  ASSERT_EQ(kill(sweep, SIGINT), 0);  // the sweep alone, as `kill -INT` would
  std::string output;
  char buffer[4096];
  for (ssize_t n; (n = read(out[0], buffer, sizeof buffer)) > 0;) output.append(buffer, static_cast<std::size_t>(n));
  close(out[0]);
  int status = 0;
  ASSERT_EQ(waitpid(sweep, &status, 0), sweep);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 130) << output;
  EXPECT_NE(output.find("interrupted: 0 of 4 seeds ran; the sweep result was NOT written"), std::string::npos)
      << output;
  for (const pid_t worker : workers) {
    EXPECT_TRUE(kill(worker, 0) == -1 && errno == ESRCH) << "worker " << worker << " outlived the sweep";
  }
  EXPECT_TRUE(fs::is_empty(tmp)) << "the workers' directory was left in " << tmp;
  EXPECT_FALSE(fs::exists(json)) << "a partial sweep must not leave a result, nor the earlier one";
  fs::remove_all(tmp);
}

TEST(Sweep, TheSummaryAndResultDoNotDependOnTheWorkerCount) {
  const std::string scenario = kShortScenario;
  const fs::path one = scratch("j1.json"), two = scratch("j2.json");
  const auto a = sweep_stdout("sweep " + scenario + " --seeds 3..8 -j 1 --json " + one.string());
  const auto b = sweep_stdout("sweep " + scenario + " --seeds 3..8 -j 2 --json " + two.string());
  EXPECT_EQ(a.status, 0) << a.output;
  EXPECT_EQ(b.status, 0) << b.output;
  EXPECT_EQ(a.output, b.output);
  EXPECT_EQ(read_file(one), read_file(two));
  EXPECT_NE(a.output.find("6 run, 6 passed, 0 failed"), std::string::npos) << a.output;
  EXPECT_NE(a.output.find("worst case per path"), std::string::npos) << a.output;
  const auto j = nlohmann::json::parse(read_file(one));
  std::set<std::uint64_t> worst_seeds;
  for (const auto& w : j["worst_case"]) worst_seeds.insert(w["seed"].get<std::uint64_t>());
  EXPECT_GT(j["worst_case"].size(), 1u);
  for (std::uint64_t s : worst_seeds) EXPECT_TRUE(s >= 3 && s <= 8) << s;
}

TEST(Sweep, ShardsMergedEqualTheUnshardedSweep) {
  const std::string scenario = kShortScenario;
  const fs::path whole = scratch("whole.json"), s0 = scratch("shard0.json"), s1 = scratch("shard1.json"),
                 merged = scratch("merged.json");
  const auto w = sweep_stdout("sweep " + scenario + " --seeds 10..14 -j 2 --json " + whole.string());
  const auto a = sweep_stdout("sweep " + scenario + " --seeds 10..14 --shard 0/2 --json " + s0.string());
  const auto b = sweep_stdout("sweep " + scenario + " --seeds 10..14 --shard 1/2 --json " + s1.string());
  ASSERT_EQ(w.status, 0) << w.output;
  ASSERT_EQ(a.status, 0) << a.output;
  ASSERT_EQ(b.status, 0) << b.output;
  EXPECT_NE(a.output.find("seeds 10..14, shard 0/2: 3 run"), std::string::npos) << a.output;
  EXPECT_NE(b.output.find("seeds 10..14, shard 1/2: 2 run"), std::string::npos) << b.output;
  // Any order of the shards.
  const auto m = sweep_stdout("sweep merge " + s1.string() + " " + s0.string() + " --json " + merged.string());
  EXPECT_EQ(m.status, 0) << m.output;
  EXPECT_EQ(m.output, w.output);
  EXPECT_EQ(read_file(merged), read_file(whole));

  // Refused: a shard missing, a shard twice, shards of another range or scenario.
  const auto missing = pristine("sweep merge " + s0.string());
  EXPECT_EQ(missing.status, 2) << missing.output;
  EXPECT_NE(missing.output.find("shards missing: 1/2"), std::string::npos) << missing.output;
  const auto twice = pristine("sweep merge " + s0.string() + " " + s0.string() + " " + s1.string());
  EXPECT_EQ(twice.status, 2) << twice.output;
  EXPECT_NE(twice.output.find("shard 0/2 is given twice"), std::string::npos) << twice.output;
  const fs::path other_range = scratch("other-range.json");
  ASSERT_EQ(sweep_stdout("sweep " + scenario + " --seeds 10..15 --shard 1/2 --json " + other_range.string()).status, 0);
  const auto ranges = pristine("sweep merge " + s0.string() + " " + other_range.string());
  EXPECT_EQ(ranges.status, 2) << ranges.output;
  EXPECT_NE(ranges.output.find("different seed ranges: 10..14 and 10..15"), std::string::npos) << ranges.output;
  auto edited = nlohmann::json::parse(read_file(s1));
  edited["scenario_digest"] = "fnv1a64:0000000000000000";
  const fs::path other_scenario = write_file("other-scenario.json", edited.dump());
  const auto scenarios = pristine("sweep merge " + s0.string() + " " + other_scenario.string());
  EXPECT_EQ(scenarios.status, 2) << scenarios.output;
  EXPECT_NE(scenarios.output.find("different scenarios"), std::string::npos) << scenarios.output;
  edited = nlohmann::json::parse(read_file(s1));
  edited["results"].erase(0);
  const fs::path cut = write_file("cut.json", edited.dump());
  const auto short_shard = pristine("sweep merge " + s0.string() + " " + cut.string());
  EXPECT_EQ(short_shard.status, 2) << short_shard.output;
  EXPECT_NE(short_shard.output.find(cut.string()), std::string::npos) << short_shard.output;
  const auto not_json = pristine("sweep merge " + s0.string() + " " + write_file("not.json", "{").string());
  EXPECT_EQ(not_json.status, 2) << not_json.output;
  EXPECT_NE(not_json.output.find("not.json: not JSON"), std::string::npos) << not_json.output;
}

}  // namespace
}  // namespace pristine::cli
