// `pristine report RUN.json --html OUT.html`: a run's JSON report (`pristine
// sim --json`) drawn as one self-contained HTML page (sim/html_report.h).
#pragma once

#include <string>

namespace pristine::cli {

struct ReportOptions {
  std::string run;   // the JSON report to read
  std::string html;  // the page to write (checked by the caller), whole or not at all
};

// Exit code: 0 the page is written, 2 bad input (a file that is not JSON or
// not a run report, named with the field) or an output that cannot be written.
int run_report(const ReportOptions& options);

}  // namespace pristine::cli
