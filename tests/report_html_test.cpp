// The report's distributions and histograms as a user reads them from
// `pristine sim --json`, and `pristine report RUN.json --html OUT.html`
// (sim/html_report.h, docs/reports.md): bad input is refused naming the file
// and the field, and text from the report is escaped.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/run_command.h"
#include "tests/scratch_path.h"

namespace {

using pristine::testing::pristine;

std::filesystem::path temp_path(const std::string& name) {
  return pristine::testing::scratch_path("report-html-test-" + name);
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One real run's JSON report, made once for the suite.
const nlohmann::json& syscalls_run() {
  static const nlohmann::json run = [] {
    const auto path = temp_path("syscalls.json");
    const auto r = pristine("sim " PRISTINE_SOURCE_DIR "/scenarios/syscalls.toml --json " + path.string());
    EXPECT_EQ(r.status, 0) << r.output;
    return nlohmann::json::parse(read(path));
  }();
  return run;
}

void expect_histogram_of(const nlohmann::json& handler, const char* key) {
  const std::string name = handler["name"].get<std::string>() + " " + key;
  const nlohmann::json& buckets = handler[key];
  ASSERT_TRUE(buckets.is_array()) << name;
  std::uint64_t total = 0, previous_to = 0;
  for (const auto& b : buckets) {
    EXPECT_LT(b["from"].get<std::uint64_t>(), b["to"].get<std::uint64_t>()) << name;
    EXPECT_GE(b["from"].get<std::uint64_t>(), previous_to) << name << ": ascending, not overlapping";
    EXPECT_GT(b["count"].get<std::uint64_t>(), 0u) << name << ": non-empty buckets only";
    previous_to = b["to"].get<std::uint64_t>();
    total += b["count"].get<std::uint64_t>();
  }
  EXPECT_EQ(total, handler["count"].get<std::uint64_t>()) << name;
}

TEST(ReportJson, EveryPathsHistogramsCountEveryRun) {
  const nlohmann::json& run = syscalls_run();
  ASSERT_GE(run["handlers"].size(), 3u);
  for (const auto& h : run["handlers"]) {
    expect_histogram_of(h, "cycles_histogram");
    expect_histogram_of(h, "instructions_histogram");
    // The first bucket holds the minimum, the last the maximum.
    if (h["count"].get<std::uint64_t>() == 0) continue;
    EXPECT_LE(h["cycles_histogram"].front()["from"].get<std::uint64_t>(), h["cycles"]["min"].get<std::uint64_t>());
    EXPECT_GT(h["cycles_histogram"].back()["to"].get<std::uint64_t>(), h["cycles"]["max"].get<std::uint64_t>());
  }
}

TEST(ReportJson, EveryDistributionHasAMeanAndAStandardDeviation) {
  const nlohmann::json& run = syscalls_run();
  for (const auto& h : run["handlers"]) {
    for (const char* d : {"cycles", "cycles_exclusive", "instructions", "instructions_exclusive",
                          "kernel_span_instructions"}) {
      const auto& dist = h[d];
      ASSERT_TRUE(dist["mean"].is_number() && dist["stddev"].is_number()) << h["name"] << " " << d;
      if (h["count"].get<std::uint64_t>() == 0) continue;
      EXPECT_GE(dist["mean"].get<double>(), dist["min"].get<double>()) << h["name"] << " " << d;
      EXPECT_LE(dist["mean"].get<double>(), dist["max"].get<double>()) << h["name"] << " " << d;
      EXPECT_LE(dist["stddev"].get<double>(), (dist["max"].get<double>() - dist["min"].get<double>()) / 2 + 1e-9)
          << h["name"] << " " << d;
    }
  }
  EXPECT_TRUE(run["switch_cycles"]["mean"].is_number());
  EXPECT_TRUE(run["ipis"]["latency_cycles"]["stddev"].is_number());
}

TEST(ReportHtml, AMalformedJsonIsRefusedNamingTheFileAndNothingIsWritten) {
  const auto bad = temp_path("bad.json");
  std::ofstream(bad) << "{\"scenario\": \"x\", \"handlers\": [";
  const auto out = temp_path("bad.html");
  std::filesystem::remove(out);
  const auto r = pristine("report " + bad.string() + " --html " + out.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(bad.string() + ": not JSON"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(ReportHtml, JsonThatIsNotARunReportIsRefusedNamingTheField) {
  nlohmann::json run = syscalls_run();
  run["handlers"][1].erase("cycles_histogram");
  const auto file = temp_path("no-histogram.json");
  std::ofstream(file) << run.dump();
  const auto out = temp_path("no-histogram.html");
  std::filesystem::remove(out);
  const auto r = pristine("report " + file.string() + " --html " + out.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(file.string() + ": not a run report"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("handlers[1].cycles_histogram: missing"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));

  run = syscalls_run();
  run["handlers"][0]["cycles_histogram"][0]["count"] = 0;
  std::ofstream(file, std::ios::trunc) << run.dump();
  const auto short_count = pristine("report " + file.string() + " --html " + out.string());
  EXPECT_EQ(short_count.status, 2);
  EXPECT_NE(short_count.output.find("handlers[0].cycles_histogram: the counts add up to"), std::string::npos)
      << short_count.output;
}

// A scenario or path name is text: it reaches the page escaped, in the
// markup and in the data the script reads.
TEST(ReportHtml, TextFromTheReportIsEscaped) {
  nlohmann::json run = syscalls_run();
  run["scenario"] = "<script>alert('s')</script>&";
  run["handlers"][0]["name"] = "</script><img src=x onerror=alert(1)>";
  const auto file = temp_path("hostile.json");
  std::ofstream(file) << run.dump();
  const auto out = temp_path("hostile.html");
  const auto r = pristine("report " + file.string() + " --html " + out.string());
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string html = read(out);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;s&#39;)&lt;/script&gt;&amp;"), std::string::npos);
  EXPECT_NE(html.find("\\u003c/script\\u003e\\u003cimg"), std::string::npos);
}

}  // namespace
