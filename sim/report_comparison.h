// `pristine compare` and `pristine budget --baseline`: the figures of each
// path in two runs, and which changed beyond a threshold
// (docs/ci-results.md). A run is read from either of its two JSON forms, never
// a mix of both:
//   - a `pristine sim --json` report: each path of handlers[] by name, its own
//     cost (cycles_exclusive, instructions_exclusive: nested handlers
//     excluded, what budgets judge), and each profiled region of profiles[];
//   - a `pristine budget --json` result: each measured hot path of paths[]
//     by its report path name (cycles, instructions).
// Every figure is modeled, so a change is the code's, never the host's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/distribution.h"

namespace pristine::sim {

// A file that is not one of the two forms: the message names the file and
// the field ("b.json: handlers[2].cycles_exclusive.p99: ...").
class ComparisonInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PathFigures {
  std::string name;
  Distribution cycles;
  Distribution instructions;
};

struct FigureSet {
  enum class Source { SimReport, BudgetResult };
  Source source = Source::SimReport;
  std::string file;
  std::vector<PathFigures> paths;
  std::string arch;  // the document's `arch` ("x86_64", "aarch64"); empty if it names none
};

const char* source_name(FigureSet::Source source);

// Throws ComparisonInputError.
FigureSet figures_of(const nlohmann::json& document, const std::string& file);
FigureSet load_figures(const std::filesystem::path& file);

// One of a path's eight figures (cycles and instructions: min, p50, p99,
// max) that changed. `percent` is +inf when it rose from 0.
struct FigureChange {
  std::string figure;  // "cycles p99"
  std::uint64_t before = 0;
  std::uint64_t after = 0;
  double percent = 0;
  bool regression = false;  // rose by more than the threshold
};

// The changes of every figure that changed at all, `regression` set on those
// that rose by more than `threshold_percent` (a fall is never one).
std::vector<FigureChange> figure_changes(const PathFigures& before, const PathFigures& after, double threshold_percent);

struct PathComparison {
  std::string name;
  bool in_before = true;
  bool in_after = true;
  std::vector<FigureChange> changes;
  bool regressed() const;
  bool flagged() const { return !in_before || !in_after || regressed(); }
};

struct Comparison {
  std::string before_file;
  std::string after_file;
  FigureSet::Source source = FigureSet::Source::SimReport;
  double threshold_percent = 5;
  std::vector<PathComparison> paths;  // the paths of `before` in its order, then those only in `after`
  bool flagged() const;
};

// Throws ComparisonInputError when the two are not the same form.
Comparison compare_figures(const FigureSet& before, const FigureSet& after, double threshold_percent);

std::string render_comparison(const Comparison& comparison);
nlohmann::ordered_json to_json(const Comparison& comparison);

// "+12.0 %" (or "+inf %" from 0).
std::string percent_text(double percent);

}  // namespace pristine::sim
