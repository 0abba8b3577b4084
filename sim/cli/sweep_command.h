// `pristine sweep`: one scenario run once per seed of a range, each seed in a
// worker process of its own (`pristine sim SCENARIO --seed S --json FILE`, the
// binary running itself), so a seed that crashes its worker is that seed's
// failure, not the sweep's. `pristine sweep merge`: shard results combined.
// docs/sweeps.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/cli/sweep_range.h"

namespace pristine::cli {

struct SweepOptions {
  std::filesystem::path scenario;    // as given: the replay commands name it so
  SeedRange range;
  Shard shard;
  unsigned jobs = 0;                 // worker processes at once; 0: one per core
  std::optional<std::string> json;   // the sweep result, whole or not at all
  std::optional<std::string> junit;  // a JUnit case per seed (docs/ci-results.md)
  std::filesystem::path image;       // sim-kernel.elf
  bool image_given = false;          // --image was given: the replay commands name it
};

// Exit code: 0 every seed passed, 1 some failed, 2 bad input (or the JSON
// result could not be written).
int run_sweep(const SweepOptions& options);

struct SweepMergeOptions {
  std::vector<std::string> files;   // one sweep result per shard
  std::optional<std::string> json;  // the merged result
  std::optional<std::string> junit;  // a JUnit case per seed
};

// Exit code as run_sweep's; 2 also when the files are not every shard of one
// sweep.
int run_sweep_merge(const SweepMergeOptions& options);

}  // namespace pristine::cli
