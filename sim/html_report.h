// `pristine report RUN.json --html OUT.html`: one self-contained page from a
// run's JSON report (sim/report.h's to_json): a histogram chart per path, each
// path's budget and headroom as bars, and each CPU's load. Chart.js is
// embedded in the page (cmake/ChartJs.cmake), so viewing it needs no network.
// Every text taken from the report is escaped (docs/reports.md).
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace pristine::sim {

// The JSON is not a run report this page can draw: the message names the
// field (e.g. "handlers[2].cycles_histogram: not an array").
class HtmlReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string render_html(const nlohmann::json& run);

// Text made safe to stand in HTML text or a quoted attribute.
std::string html_escape(const std::string& text);

}  // namespace pristine::sim
