// A run of any length uses bounded memory (docs/sim-board.md, "Memory of a
// run"): the simulator keeps histograms, not samples, and nothing else it
// holds grows with modeled time. Each case runs `pristine sim` on a scenario
// at two lengths, ten times apart, as its own process, and compares the peak
// resident sizes the host's kernel reports for the two processes (wait4). A
// leak of 16 bytes per closed record adds 12.7 MiB to the longer device storm
// and 14.6 MiB to the longer ipi-storm (measured); the per-sample vectors the
// histograms replaced took about 435 MB per modeled second of a device storm.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdint>
#include <filesystem>
#include <regex>
#include <string>

#include "tests/scenario_files.h"
#include "tests/scratch_path.h"

extern char** environ;

namespace {

using pristine::testing::read_file;
using pristine::testing::scratch_path;
using pristine::testing::with_duration;

struct RunFootprint {
  int status = -1;                 // exit status; -1 if killed by a signal
  std::uint64_t peak_kib = 0;      // the process's maximum resident set size
  std::uint64_t delivered = 0;     // interrupts delivered, from its report's summary line
};

// `pristine sim scenario`, its report to a scratch file.
RunFootprint run_sim(const std::filesystem::path& scenario) {
  const std::filesystem::path report = scratch_path(scenario.stem().string() + ".txt");
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, report.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::string binary = PRISTINE_BUILD_DIR "/bin/pristine", sim = "sim", file = scenario.string();
  char* argv[] = {binary.data(), sim.data(), file.data(), nullptr};
  pid_t pid = 0;
  RunFootprint run;
  const int spawned = posix_spawn(&pid, binary.c_str(), &files, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&files);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << binary;
    return run;
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) {
    ADD_FAILURE() << "wait4 failed";
    return run;
  }
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.peak_kib = static_cast<std::uint64_t>(usage.ru_maxrss);  // KiB on Linux
  std::smatch delivered;
  const std::string text = read_file(report);
  const std::regex summary("interrupts: injected [0-9]+ +delivered ([0-9]+)");
  if (std::regex_search(text, delivered, summary)) run.delivered = std::stoull(delivered[1]);
  std::filesystem::remove(report);
  std::filesystem::remove(scenario);
  return run;
}

// The scenario at `short_ms` and at ten times that: the longer run delivers
// about ten times the interrupts (it did run ten times longer) and peaks
// within allocator noise of the shorter one.
void expect_bounded(const std::string& scenario, unsigned short_ms, const std::string& name) {
  constexpr std::uint64_t kSlackKib = 4 * 1024;  // allocator noise is ~0.3 MiB
  const std::filesystem::path source = PRISTINE_SOURCE_DIR "/" + scenario;
  const auto lasting = [](unsigned ms) { return "duration_ms = " + std::to_string(ms); };
  const RunFootprint shorter = run_sim(with_duration(source, lasting(short_ms), name + "-short.toml"));
  const RunFootprint longer = run_sim(with_duration(source, lasting(10 * short_ms), name + "-long.toml"));
  ASSERT_EQ(shorter.status, 0);
  ASSERT_EQ(longer.status, 0);
  ASSERT_GT(shorter.delivered, 0u);
  EXPECT_GE(longer.delivered, 9 * shorter.delivered) << "the longer run must do ten times the work";
  EXPECT_LE(longer.peak_kib, shorter.peak_kib + kSlackKib)
      << name << ": " << short_ms << " ms peaked at " << shorter.peak_kib << " KiB, " << 10 * short_ms << " ms at "
      << longer.peak_kib << " KiB";
}

// One CPU, 2 M device interrupts per modeled second into an idle guest.
TEST(RunMemory, ATenTimesLongerDeviceStormPeaksAtTheSameSize) {
  expect_bounded("benches/scenarios/idle-device-storm.toml", 50, "idle-device-storm");
}

// Four CPUs with real page tables: reschedule and shootdown IPIs, demand
// paging, a CR3 load per switch (the engine's TLB and code caches churn).
TEST(RunMemory, ATenTimesLongerIpiStormPeaksAtTheSameSize) {
  expect_bounded("scenarios/ipi-storm.toml", 4, "ipi-storm");
}

}  // namespace
