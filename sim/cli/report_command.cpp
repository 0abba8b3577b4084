#include "sim/cli/report_command.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/cli/output_file.h"
#include "sim/html_report.h"

namespace pristine::cli {

int run_report(const ReportOptions& o) {
  std::ifstream in(o.run, std::ios::binary);
  if (!in) {
    std::cerr << fmt::format("error: {}: cannot be read\n", o.run);
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json run;
  try {
    run = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    std::cerr << fmt::format("error: {}: not JSON: {}\n", o.run, e.what());
    return 2;
  }
  std::string html;
  try {
    html = sim::render_html(run);
  } catch (const sim::HtmlReportError& e) {
    std::cerr << fmt::format("error: {}: not a run report (pristine sim --json): {}\n", o.run, e.what());
    return 2;
  }
  if (const std::string why = write_output(o.html, html); !why.empty()) {
    std::cerr << fmt::format("error: --html {}: {}\n", o.html, why);
    return 2;
  }
  return 0;
}

}  // namespace pristine::cli
