// The one host reader of the kernel's shutdown report (sim/shutdown_report.h):
// it reads the format version and the words of
// core/stats/shutdown_report_format.def and nothing else. The QEMU boot tests
// (boot_test.cpp) read real reports through it: the round trip.
#include <gtest/gtest.h>

#include <string>

#include "core/stats/shutdown_report_format.h"
#include "sim/shutdown_report.h"

namespace pristine::sim {
namespace {

const std::string kHeader = "pristine-report v" + std::to_string(report::kShutdownReportVersion) + "\n";

std::string error_of(const std::string& console) {
  try {
    read_shutdown_report(console);
  } catch (const ShutdownReportError& e) {
    return e.what();
  }
  return "";
}

TEST(ShutdownReport, ReadsRecordsAfterTheBootMessages) {
  const ShutdownReport r = read_shutdown_report(
      "Pristine: 2 ring-3 tasks\r\npc: something\n" + kHeader +
      "clock-unit instructions\n"
      "task counter-a progress 42 ticks 3 cpus-run 0x0000000000000001 state alive\r\n"
      "task bad killed-by page-fault cr2 0x1000 state dead\n"
      "cpu 0 ticks 10 expected-ticks 10\n"
      "verdict pass\nend-of-report\nafter the report\n");
  EXPECT_EQ(r.version, report::kShutdownReportVersion);
  EXPECT_EQ(r.get("task", "counter-a").number("progress"), 42u);
  EXPECT_EQ(r.get("task", "counter-a").number("cpus-run"), 1u) << "hexadecimal";
  EXPECT_EQ(r.get("task", "bad").text("killed-by"), "page-fault");
  EXPECT_EQ(r.get("task", "bad").number("cr2"), 0x1000u);
  EXPECT_EQ(r.all("task").size(), 2u);
  EXPECT_NE(r.find("clock-unit", "instructions"), nullptr);
  EXPECT_TRUE(r.passed());
  EXPECT_THROW(r.get("task", "absent"), ShutdownReportError);
  EXPECT_THROW(r.get("cpu", "0").number("missed"), ShutdownReportError) << "a field not written";
}

TEST(ShutdownReport, AnotherFormatVersionIsRejectedWithAClearError) {
  const std::string other = "pristine-report v" + std::to_string(report::kShutdownReportVersion + 1) + "\n";
  const std::string why = error_of(other + "verdict pass\nend-of-report\n");
  EXPECT_NE(why.find("reads format v" + std::to_string(report::kShutdownReportVersion) + " only"), std::string::npos)
      << why;
  EXPECT_NE(why.find(other.substr(0, other.size() - 1)), std::string::npos) << "names the line: " << why;
}

TEST(ShutdownReport, OnlyTheFormatsWordsAreRead) {
  EXPECT_NE(error_of(kHeader + "tasks counter progress 1\nend-of-report\n").find("unknown record 'tasks'"),
            std::string::npos);
  EXPECT_NE(error_of(kHeader + "task counter progres 1\nend-of-report\n").find("unknown field 'progres' of task"),
            std::string::npos);
  EXPECT_NE(error_of(kHeader + "task counter progress\nend-of-report\n").find("not `<record>"), std::string::npos);
  const ShutdownReport r = read_shutdown_report(kHeader + "task t progress 1x\nend-of-report\n");
  EXPECT_THROW(r.get("task", "t").number("progress"), ShutdownReportError);
}

TEST(ShutdownReport, AMissingOrTruncatedReportIsAnError) {
  EXPECT_NE(error_of("Pristine: 2 ring-3 tasks\n").find("no shutdown report"), std::string::npos);
  EXPECT_NE(error_of(kHeader + "verdict pass\n").find("truncated"), std::string::npos);
}

TEST(ShutdownReport, BucketsAreReadAsLowHighCount) {
  const ShutdownReport r = read_shutdown_report(
      kHeader + "switch-paths 0 count 7 min 0 mean 130 max 300 p50 255 p99 511 buckets 0..0:1,128..255:4,256..511:2\n"
                "end-of-report\n");
  const auto buckets = r.get("switch-paths", "0").buckets("buckets");
  ASSERT_EQ(buckets.size(), 3u);
  EXPECT_EQ(buckets[0].low, 0u);
  EXPECT_EQ(buckets[0].high, 0u);
  EXPECT_EQ(buckets[0].count, 1u);
  EXPECT_EQ(buckets[1].low, 128u);
  EXPECT_EQ(buckets[1].high, 255u);
  EXPECT_EQ(buckets[1].count, 4u);
  EXPECT_EQ(buckets[2].count, 2u);
}

TEST(ShutdownReport, MalformedBucketsAreRefusedNamingTheField) {
  auto why = [](const std::string& value) {
    const ShutdownReport r = read_shutdown_report(kHeader + "switch-paths 0 count 1 buckets " + value + "\nend-of-report\n");
    try {
      r.get("switch-paths", "0").buckets("buckets");
    } catch (const ShutdownReportError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  for (const char* bad : {"128..255", "128:4", "x..255:4", "128..255:", "128..255:4,", ",128..255:4",
                          "128..255:4x", "255..128:4", "128..255:0", "256..511:1,128..255:4", "128..255:1,255..511:1",
                          "128..255:99999999999999999999999"}) {
    const std::string message = why(bad);
    EXPECT_NE(message.find("switch-paths 0 buckets '" + std::string(bad) + "'"), std::string::npos)
        << bad << ": " << message;
  }
}

TEST(ShutdownReport, PathsAreMergedOverCpus) {
  const ShutdownReport r = read_shutdown_report(kHeader +
                                                "path timer cpu 0 count 10 min 150 mean 160 max 170\n"
                                                "path timer+switch cpu 0 count 2 min 200 mean 210 max 220\n"
                                                "path timer cpu 1 count 30 min 140 mean 180 max 300\n"
                                                "end-of-report\n");
  const auto paths = merged_paths(r);
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0].first, "timer");
  EXPECT_EQ(paths[0].second.count, 40u);
  EXPECT_EQ(paths[0].second.min, 140u);
  EXPECT_DOUBLE_EQ(paths[0].second.mean, 175.0) << "weighted by count";
  EXPECT_EQ(paths[1].first, "timer+switch");
}

}  // namespace
}  // namespace pristine::sim
