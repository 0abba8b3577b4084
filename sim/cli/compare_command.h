// `pristine compare BEFORE AFTER`: per path, how the modeled figures changed
// between two runs: two `pristine sim --json` reports or two `pristine budget
// --json` results, never one of each (sim/report_comparison.h,
// docs/ci-results.md).
#pragma once

#include <optional>
#include <string>

namespace pristine::cli {

struct CompareOptions {
  std::string before;
  std::string after;
  double threshold_percent = 5;   // a figure up by more than this is flagged
  std::optional<std::string> json;  // also write the comparison here
};

// Exit codes of `pristine compare`.
inline constexpr int kCompareUnchanged = 0;  // nothing flagged
inline constexpr int kCompareFlagged = 1;    // a regression, or a path in only one run
inline constexpr int kCompareBadInput = 2;   // a file that is not one of the two forms, or a mix; an unwritable --json

int run_compare(const CompareOptions& options);

}  // namespace pristine::cli
