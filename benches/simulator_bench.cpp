// The simulator's own speed on every shipped scenario (scenarios/*.toml) and
// on the speed targets of issue 15, reported as ratios to the raw engine
// (benches/raw_engine.h) measured in the same process run.
//
// Why ratios: machines differ, and so do Unicorn versions and the load on a
// shared host. "12 M guest instructions/s" says little on its own; "0.4 of
// what bare Unicorn does on kernel-like code here, now" is comparable from
// one machine (and one run) to the next. The raw baseline is measured once at
// startup, before any benchmark (printed in the context), and again beside
// every iteration of every simulator benchmark: the ratios divide by the
// samples taken beside the benchmark's own iterations, because on a shared
// host the engine's speed drifts during a run (on Unicorn 2.0.1 here, 13 to
// 21 M instructions/s between two runs minutes apart).
//
//   simulator_bench [--image=sim-kernel.elf] [--smoke] [Google Benchmark flags]
//
// --smoke: each benchmark once, every scenario cut to 2 ms of modeled time, no
// verdict checks: it shows that everything still runs (ctest), not how fast.
//
// Benchmarks: raw/no_hooks, raw/block_hook (benches/raw_engine_bench.cpp),
// sim/<scenario> for each shipped scenario, target/<name> for the targets.
// Host time of Simulator::run() only (manual time: the thread's CPU time,
// benches/thread_clock.h; constructing the simulator, loading the image, is
// left out). Counters:
//   guest_insns/s        guest instructions (all CPUs together) per host second
//   interrupts/s         interrupts delivered (all CPUs) per host second
//   modeled_ms/s         modeled milliseconds of the run per host second:
//                        unlike guest_insns/s, it does not fall when the kernel
//                        does the same work in fewer instructions
//   raw_insns/s          the raw engine with no hooks, sampled beside this benchmark
//   x_raw                guest_insns/s / the raw engine's with no hooks
//   x_raw_block_hook     guest_insns/s / the raw engine's with one counting block hook
//   target_met           target/ only: 1 if the target is met on this machine
//   at_reference_engine  target/ only: the figure scaled to a raw engine of
//                        kReferenceRawRate (the speed the targets were set
//                        against), by x_raw: the host's speed cancels out
//   target_met_at_reference  1 if that figure meets the target
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "benches/raw_engine.h"
#include "benches/thread_clock.h"
#include "sim/simulator.h"

namespace {

using namespace pristine::sim;
using pristine::Cycles;
namespace bench = pristine::bench;

std::filesystem::path g_image = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";
const std::filesystem::path kSource = PRISTINE_SOURCE_DIR;
bool g_smoke = false;

// The engines sampled beside each iteration (main() makes and warms them).
std::unique_ptr<bench::RawEngine> g_sampled_no_hooks;
std::unique_ptr<bench::RawEngine> g_sampled_block_hook;

// Shipped scenarios meant to fail their verdict (README.md, "Scenarios").
constexpr const char* kFailOnPurpose[] = {"device-storm.toml", "kernel-stack-overflow.toml"};

enum class Measure { none, guest_insns, interrupts };

struct Target {
  const char* name;
  const char* file;  // from the source tree
  Measure measure;
  double at_least;   // per host second
  const char* what;
};

// Issue 15's targets. The 4-CPU ipi-storm is the shipped scenario itself: it
// runs once, under its target's name, not again as sim/ipi-storm.
constexpr Target kTargets[] = {
    {"busy-ring3", "benches/scenarios/busy-ring3.toml", Measure::guest_insns, 150e6, "M guest insns/s"},
    {"idle-device-storm", "benches/scenarios/idle-device-storm.toml", Measure::interrupts, 1e6,
     "M delivered interrupts/s"},
    {"ipi-storm-4cpu", "scenarios/ipi-storm.toml", Measure::guest_insns, 50e6, "M guest insns/s (4 CPUs)"},
};

// The raw engine's speed the targets were set against (Unicorn 2.1 on
// kernel-like code: 700-900 M instructions/s, the fast end). The host here
// runs the raw engine at 0.9-1.4 G/s, and its speed changes within minutes:
// a figure scaled to this speed by x_raw compares across hosts and hours.
constexpr double kReferenceRawRate = 900e6;

struct Bench {
  std::filesystem::path file;
  bool expect_pass = true;
  Target target{nullptr, nullptr, Measure::none, 0, nullptr};
};

void run_scenario(benchmark::State& state, const Bench& spec) {
  Scenario scenario;
  try {
    scenario = load_scenario(spec.file);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  if (g_smoke) scenario.duration = std::min<std::uint64_t>(scenario.duration, 2 * scenario.cpu_hz / 1000);
  std::uint64_t instructions = 0, delivered = 0;
  double seconds = 0, modeled_seconds = 0;
  bench::RawRate raw_no_hooks, raw_block_hook;
  const double sample_seconds = g_smoke ? 0.005 : 0.1;
  Report report;
  for (auto _ : state) {
    // Untimed (manual time counts only run() below): the baseline, now.
    bench::sample_raw_engine(*g_sampled_no_hooks, sample_seconds, raw_no_hooks);
    bench::sample_raw_engine(*g_sampled_block_hook, sample_seconds, raw_block_hook);
    double elapsed = 0;
    try {
      Simulator simulator(scenario, g_image);
      const double start = bench::thread_seconds();
      report = simulator.run();
      elapsed = bench::thread_seconds() - start;
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
    state.SetIterationTime(elapsed);
    seconds += elapsed;
    instructions += report.instructions;
    delivered += report.interrupts.delivered;
    modeled_seconds += static_cast<double>(report.cycles) / static_cast<double>(report.cpu_hz);
  }
  const double insns_per_s = static_cast<double>(instructions) / seconds;
  const double interrupts_per_s = static_cast<double>(delivered) / seconds;
  state.counters["guest_insns/s"] = benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
  state.counters["interrupts/s"] = benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
  state.counters["modeled_ms/s"] = benchmark::Counter(1000 * modeled_seconds, benchmark::Counter::kIsRate);
  state.counters["raw_insns/s"] = raw_no_hooks.per_second();
  state.counters["x_raw"] = insns_per_s / raw_no_hooks.per_second();
  state.counters["x_raw_block_hook"] = insns_per_s / raw_block_hook.per_second();
  if (spec.target.measure != Measure::none) {
    const double got = spec.target.measure == Measure::guest_insns ? insns_per_s : interrupts_per_s;
    const double at_reference = got * kReferenceRawRate / raw_no_hooks.per_second();
    state.counters["target_met"] = got >= spec.target.at_least ? 1 : 0;
    state.counters["at_reference_engine"] = at_reference;
    state.counters["target_met_at_reference"] = at_reference >= spec.target.at_least ? 1 : 0;
    char label[160];
    std::snprintf(label, sizeof(label), "target >= %g %s: %.0f %% of it here, %.0f %% at a %.0f M/s raw engine",
                  spec.target.at_least / 1e6, spec.target.what, 100 * got / spec.target.at_least,
                  100 * at_reference / spec.target.at_least, kReferenceRawRate / 1e6);
    state.SetLabel(label);
  }
  if (instructions == 0) {
    state.SkipWithError("the guest executed no instruction");
  } else if (!g_smoke && report.pass() != spec.expect_pass) {
    state.SkipWithError(spec.expect_pass ? "the scenario failed its verdict"
                                          : "the scenario passed, but it is meant to fail");
  }
}

void register_benchmarks() {
  std::vector<std::filesystem::path> shipped;
  for (const auto& entry : std::filesystem::directory_iterator(kSource / "scenarios")) {
    if (entry.path().extension() == ".toml") shipped.push_back(entry.path());
  }
  std::sort(shipped.begin(), shipped.end());
  const int iterations = g_smoke ? 1 : 3;
  for (const std::filesystem::path& file : shipped) {
    bool is_target = false;
    for (const Target& target : kTargets) is_target |= file == kSource / target.file;
    if (is_target) continue;
    Bench spec{file};
    for (const char* name : kFailOnPurpose) spec.expect_pass &= file.filename() != name;
    benchmark::RegisterBenchmark(("sim/" + file.stem().string()).c_str(), run_scenario, spec)
        ->UseManualTime()->Iterations(iterations)->Unit(benchmark::kMillisecond);
  }
  for (const Target& target : kTargets) {
    Bench spec{kSource / target.file, true, target};
    benchmark::RegisterBenchmark((std::string("target/") + target.name).c_str(), run_scenario, spec)
        ->UseManualTime()->Iterations(iterations)->Unit(benchmark::kMillisecond);
  }
}

std::string per_second(double rate) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f M guest insns/s", rate / 1e6);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--image=", 8) == 0) {
      g_image = argv[i] + 8;
    } else if (std::strcmp(argv[i], "--smoke") == 0) {
      g_smoke = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;

  // The baseline at startup, for the context; the ratios use the samples
  // taken beside each benchmark (run_scenario).
  const double seconds = g_smoke ? 0.05 : 1.0;
  benchmark::AddCustomContext("unicorn", bench::unicorn_version());
  benchmark::AddCustomContext("raw_engine_no_hooks",
                              per_second(bench::raw_engine_rate(bench::RawHooks::none, seconds)));
  benchmark::AddCustomContext("raw_engine_block_hook",
                              per_second(bench::raw_engine_rate(bench::RawHooks::counting_block, seconds)));
  g_sampled_no_hooks = std::make_unique<bench::RawEngine>(bench::RawHooks::none);
  g_sampled_block_hook = std::make_unique<bench::RawEngine>(bench::RawHooks::counting_block);
  g_sampled_no_hooks->run(2);  // translate
  g_sampled_block_hook->run(2);

  register_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
