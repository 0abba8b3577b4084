// The raw engine: Unicorn x86-64 on its own, running a small blob of
// kernel-like code (calls and returns, stack loads and stores, a compare and
// branch, a loop; five instructions per basic block), with no simulator
// around it. The simulator's speed is reported as a ratio to this engine's,
// measured on the same machine in the same process run
// (benches/simulator_bench.cpp, docs/sim-board.md "Speed").
#pragma once

#include <cstdint>
#include <string>

struct uc_struct;

namespace pristine::bench {

// Instructions one run of the blob executes with this many loop turns: the
// entry's `xor`, then three blocks of five per turn (docs in raw_engine.cpp).
constexpr std::uint64_t raw_engine_instructions(std::uint64_t loop_turns) { return 1 + 15 * loop_turns; }

enum class RawHooks {
  none,            // no hook at all: the engine's ceiling
  counting_block,  // one UC_HOOK_BLOCK adding a memoized per-block instruction count
};

struct RawRun {
  std::uint64_t counted = 0;  // instructions the block hook counted (0 without it)
  std::uint64_t sum = 0;      // RDX at the end: loop_turns * (loop_turns + 1) / 2 if the code ran right
  std::uint64_t last = 0;     // the last value fn returned, stored at data+8: 1
};

class RawEngine {
 public:
  explicit RawEngine(RawHooks hooks);
  ~RawEngine();
  RawEngine(const RawEngine&) = delete;
  RawEngine& operator=(const RawEngine&) = delete;

  // Runs the blob from its entry with this many loop turns (>= 1). Throws
  // std::runtime_error if the engine reports an error.
  RawRun run(std::uint64_t loop_turns);

 private:
  static void on_block(uc_struct* uc, std::uint64_t address, std::uint32_t size, void* self);

  uc_struct* uc_ = nullptr;
  std::uint64_t counted_ = 0;
  std::uint16_t block_instructions_[4096] = {};  // memo: by offset in the code page, 0 = not seen
};

// The Unicorn library this process runs on, as "2.0.1" (from uc_version(),
// the loaded library, not the header it was compiled against).
std::string unicorn_version();

// Guest instructions executed and the host seconds they took (this thread's
// CPU time, benches/thread_clock.h), summed over samples.
struct RawRate {
  std::uint64_t instructions = 0;
  double seconds = 0;
  double per_second() const { return seconds > 0 ? static_cast<double>(instructions) / seconds : 0; }
};

// Runs the engine for at least `seconds` of this thread's CPU time, in runs
// of a fixed length, and adds them to `rate`. Run the engine once before the
// first sample: that run translates the blob.
void sample_raw_engine(RawEngine& engine, double seconds, RawRate& rate);

// Guest instructions per host second of a fresh raw engine, sampled for at
// least `seconds` after one warm-up run.
double raw_engine_rate(RawHooks hooks, double seconds);

}  // namespace pristine::bench
