// `pristine swarm`: many seeds, each a whole drawn scenario (sim/swarm.h), each
// run judged by every invariant and the budget. Failures are listed in seed
// order with a one-line replay command; the run is spread over worker
// processes (one simulator per process: the engines share nothing).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace pristine::cli {

struct SwarmOptions {
  std::uint64_t first = 1;       // the first seed
  std::uint64_t seeds = 100;     // how many, from `first` on
  unsigned jobs = 0;             // worker processes; 0: one per core
  std::optional<std::uint64_t> replay;  // --seed: run this one seed with its full report
  std::string write;             // with --seed: also write the drawn scenario here (checked by the caller)
  std::filesystem::path image;   // sim-kernel.elf
};

// Exit code: 0 every seed passed, 1 some failed, 2 bad input.
int run_swarm(const SwarmOptions& options);

}  // namespace pristine::cli
