// The simulator's own speed (host wall time, so an ordinary timed benchmark)
// and the modeled cost of the hot paths it measures (deterministic counters).
//   guest_insns/s   guest instructions executed per host second
//   interrupts/s    interrupts delivered per host second
//   <handler>_max   modeled cycles, identical on every machine
#include <benchmark/benchmark.h>

#include "core/interrupt/vectors.h"
#include "sim/simulator.h"

namespace {

using namespace pristine;
using namespace pristine::sim;

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";
const std::filesystem::path kScenarios = PRISTINE_SOURCE_DIR "/scenarios";

void run_scenario(benchmark::State& state, const char* file) {
  Scenario scenario = load_scenario(kScenarios / file);
  std::uint64_t instructions = 0, delivered = 0;
  Report report;
  for (auto _ : state) {
    Simulator simulator(scenario, kImage);
    report = simulator.run();
    instructions += report.instructions;
    delivered += report.interrupts.delivered;
  }
  state.counters["guest_insns/s"] = benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
  state.counters["interrupts/s"] = benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
  for (const HandlerReport& h : report.handlers) {
    state.counters[h.name + "_p50"] = static_cast<double>(h.cycles.p50);
    state.counters[h.name + "_max"] = static_cast<double>(h.cycles.max);
  }
  if (!report.pass()) state.SkipWithError("the scenario failed its verdict");
}

void BM_TimerStorm(benchmark::State& state) { run_scenario(state, "timer-storm.toml"); }
void BM_Quiet(benchmark::State& state) { run_scenario(state, "quiet.toml"); }

BENCHMARK(BM_TimerStorm)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Quiet)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
