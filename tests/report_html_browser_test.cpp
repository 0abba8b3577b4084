// `pristine report --html`'s page in headless Chromium (Debian's chromium,
// scripts/install-deps.sh): every chart draws, with no script error. The page
// counts the charts drawn on <html data-charts-drawn> against
// data-charts-expected and records errors on data-chart-errors
// (sim/html_report.cpp); --dump-dom prints the DOM once the page has loaded.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/run_command.h"
#include "tests/scratch_path.h"

namespace {

using pristine::testing::pristine;
using pristine::testing::run_command;

std::string attribute(const std::string& dom, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(dom, m, std::regex("<html[^>]*\\s" + name + "=\"([^\"]*)\""))) return "";
  return m[1];
}

TEST(ReportHtmlBrowser, EveryChartDrawsWithoutAnError) {
  const auto dir = pristine::testing::scratch_path("report-html-browser-test");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto json = dir / "run.json", html = dir / "run.html";
  // Two CPUs: the load chart has a bar per CPU.
  const auto sim = pristine("sim " PRISTINE_SOURCE_DIR "/scenarios/smp-boot.toml --json " + json.string());
  ASSERT_EQ(sim.status, 0) << sim.output;
  const auto page = pristine("report " + json.string() + " --html " + html.string());
  ASSERT_EQ(page.status, 0) << page.output;
  // Bounded: Chromium is killed after 60 s (it takes ~2 s).
  const auto browser = run_command("timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu "
                                   "--user-data-dir=" + (dir / "profile").string() + " --dump-dom file://" +
                                   html.string() + " 2>/dev/null");
  ASSERT_EQ(browser.status, 0) << "chromium (scripts/install-deps.sh installs it): " << browser.output.substr(0, 2000);
  const std::string expected = attribute(browser.output, "data-charts-expected");
  ASSERT_FALSE(expected.empty()) << browser.output.substr(0, 2000);
  EXPECT_GE(std::stoi(expected), 4) << "a histogram per path, budgets, CPUs";
  EXPECT_EQ(attribute(browser.output, "data-charts-drawn"), expected);
  EXPECT_EQ(attribute(browser.output, "data-chart-errors"), "");
  std::filesystem::remove_all(dir);
}

}  // namespace
