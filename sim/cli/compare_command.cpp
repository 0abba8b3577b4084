#include "sim/cli/compare_command.h"

#include <fmt/format.h>

#include <iostream>

#include "sim/cli/output_file.h"
#include "sim/report_comparison.h"

namespace pristine::cli {

int run_compare(const CompareOptions& o) {
  if (o.json) {
    std::string why = output_path_problem(*o.json);
    if (why.empty()) why = remove_stale_output(*o.json);
    if (!why.empty()) {
      std::cerr << fmt::format("pristine compare: --json '{}': {}\n", *o.json, why);
      return kCompareBadInput;
    }
  }
  sim::Comparison comparison;
  try {
    comparison = sim::compare_figures(sim::load_figures(o.before), sim::load_figures(o.after), o.threshold_percent);
  } catch (const sim::ComparisonInputError& e) {
    std::cerr << fmt::format("pristine compare: {}\n", e.what());
    return kCompareBadInput;
  }
  std::cout << sim::render_comparison(comparison);
  if (o.json) {
    if (const std::string why = write_output(*o.json, json_text(sim::to_json(comparison))); !why.empty()) {
      std::cerr << fmt::format("pristine compare: --json '{}': the comparison was NOT written: {}\n", *o.json, why);
      return kCompareBadInput;
    }
  }
  return comparison.flagged() ? kCompareFlagged : kCompareUnchanged;
}

}  // namespace pristine::cli
