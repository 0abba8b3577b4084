// The raw engine's speed (benches/raw_engine.h): Unicorn alone on kernel-like
// code, the baseline of the simulator's speed ratios. Host time of
// uc_emu_start only (manual time: the thread's CPU time, benches/thread_clock.h);
// the engine is made and the blob translated before the timed loop.
//   raw/no_hooks     no hook at all
//   raw/block_hook   one UC_HOOK_BLOCK adding a memoized per-block count;
//                    every run's count is checked against the loop's exact
//                    figure (raw_engine_instructions)
// Counter: guest_insns/s, guest instructions per host second.
#include <benchmark/benchmark.h>

#include <string>

#include "benches/raw_engine.h"
#include "benches/thread_clock.h"

namespace {

using namespace pristine::bench;

constexpr std::uint64_t kTurns = 100'000;  // 1.5 M instructions a run

void run_raw(benchmark::State& state, RawHooks hooks) {
  RawEngine engine(hooks);
  engine.run(kTurns);  // translate the blob
  const std::uint64_t expected = raw_engine_instructions(kTurns);
  std::uint64_t instructions = 0;
  for (auto _ : state) {
    const double start = thread_seconds();
    const RawRun run = engine.run(kTurns);
    state.SetIterationTime(thread_seconds() - start);
    instructions += expected;
    if (run.sum != kTurns * (kTurns + 1) / 2 || run.last != 1) {
      state.SkipWithError("the blob computed a wrong result");
      return;
    }
    if (hooks == RawHooks::counting_block && run.counted != expected) {
      state.SkipWithError(("the block hook counted " + std::to_string(run.counted) + " instructions, not " +
                           std::to_string(expected)).c_str());
      return;
    }
  }
  state.counters["guest_insns/s"] = benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
}

void BM_RawNoHooks(benchmark::State& state) { run_raw(state, RawHooks::none); }
void BM_RawBlockHook(benchmark::State& state) { run_raw(state, RawHooks::counting_block); }

BENCHMARK(BM_RawNoHooks)->Name("raw/no_hooks")->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawBlockHook)->Name("raw/block_hook")->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
