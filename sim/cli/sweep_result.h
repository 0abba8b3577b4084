// What a sweep found (docs/sweeps.md): each seed's verdict and failure kinds,
// the worst case of each path over the seeds, and the scenario, range and
// shard it covers. One shard's result, or the whole range's (run unsharded or
// merged from every shard: the two are equal). The summary printed and the
// JSON written are functions of this value alone, so they depend on the
// scenario and the seeds, never on the worker count or the order seeds ended.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/cli/sweep_range.h"
#include "sim/junit_report.h"

namespace pristine::cli {

// The kind of a seed whose worker ended without a report (a signal, an abort,
// a non-zero exit status with no JSON report written).
inline constexpr const char* kCrashKind = "crash";
// The kind of a failing report that names no violation: a path reached its
// cycle budget (the verdict's other cause, sim/report.cpp Report::pass).
inline constexpr const char* kOverBudgetKind = "over-budget";

struct SeedVerdict {
  std::uint64_t seed = 0;
  bool pass = false;
  std::vector<std::string> kinds;  // distinct, in the report's order; {"crash"} for a crash
  std::string crash;               // a crash: how the worker ended ("exit status 2", "signal 11 (SIGSEGV)")
  bool operator==(const SeedVerdict&) const = default;
};

struct PathWorst {
  std::uint64_t cycles = 0;  // the largest per-seed maximum
  std::uint64_t seed = 0;    // the lowest seed that reached it
  bool operator==(const PathWorst&) const = default;
};

struct SweepResult {
  std::string scenario;         // the scenario file as given on the command line (for the replay commands)
  std::string scenario_digest;  // FNV-1a 64 of its bytes: shards of different scenarios never merge
  std::string image;            // the --image given, or "" for the default image
  SeedRange range;
  Shard shard;
  std::vector<SeedVerdict> seeds;         // ascending by seed
  std::map<std::string, PathWorst> worst;  // by path (handler) name
  bool operator==(const SweepResult&) const = default;

  std::uint64_t failed() const;
};

// "fnv1a64:<16 hex digits>" of `bytes`.
std::string scenario_digest(const std::string& bytes);

// One seed's verdict from its `pristine sim --json` report, reading only its
// "verdict", "violations"[].kind and "handlers"[].name/.cycles.max; folds the
// handlers into `worst`. Throws std::runtime_error if a field is missing.
SeedVerdict read_seed_report(std::uint64_t seed, const nlohmann::json& report,
                             std::map<std::string, PathWorst>& worst);

// Folds one path's figure into `worst`: the larger cycles win, the lower seed
// on a tie (so the outcome does not depend on the order seeds are folded).
void fold_worst(std::map<std::string, PathWorst>& worst, const std::string& path, PathWorst candidate);

nlohmann::ordered_json to_json(const SweepResult& result);

// A result written by to_json(); throws std::runtime_error naming `file` and
// the field when it is not one (or its seeds are not those of its shard).
SweepResult sweep_result_from_json(const nlohmann::json& json, const std::string& file);

// The whole range from one result per shard (any order). Throws
// std::runtime_error naming the files when they are not exactly the shards
// 0..N-1 of one scenario, image and range.
SweepResult merge_shards(const std::vector<SweepResult>& shards, const std::vector<std::string>& files);

// The summary printed on standard output (docs/sweeps.md).
std::string render_summary(const SweepResult& result);

// For CI (`--junit`, docs/ci-results.md): one case per seed, failed with its
// kinds and the replay command.
sim::JunitSuite junit_suite(const SweepResult& result);

}  // namespace pristine::cli
