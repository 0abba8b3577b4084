// The one host reader of the kernel's shutdown report (sim/shutdown_report.h):
// it reads the format version and the words of
// core/stats/shutdown_report_format.def and nothing else. The QEMU boot tests
// (boot_test.cpp) read real reports through it: the round trip.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/stats/path_stats.h"
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

TEST(ShutdownReport, PathsAreMergedOverCpus) {
  const ShutdownReport r = read_shutdown_report(kHeader +
                                                "path timer cpu 0 count 10 min 150 mean 160 max 170 buckets 128:10\n"
                                                "path timer+switch cpu 0 count 2 min 200 mean 210 max 220 buckets 128:2\n"
                                                "path timer cpu 1 count 30 min 140 mean 180 max 300 buckets 128:20,256:10\n"
                                                "end-of-report\n");
  const auto paths = merged_paths(r);
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0].first, "timer");
  EXPECT_EQ(paths[0].second.count, 40u);
  EXPECT_EQ(paths[0].second.min, 140u);
  EXPECT_DOUBLE_EQ(paths[0].second.mean, 175.0) << "weighted by count";
  const std::vector<PathBucket> timer{{128, 255, 30}, {256, 511, 10}};
  EXPECT_EQ(paths[0].second.buckets, timer) << "bucket counts add over CPUs";
  EXPECT_EQ(paths[1].first, "timer+switch");
}

// The report of `pristine boot --icount --seconds 1` (one CPU; task lines
// left out), as the console carried it: each path's log2 buckets are read
// with their bounds, the first from 0, and add up to the path's count.
TEST(ShutdownReport, ReadsThePathBucketsOfACapturedReport) {
  const ShutdownReport r = read_shutdown_report(
      "Pristine: 5 ring-3 tasks, tick 1000 Hz, clock 1000001523 Hz, 1 CPU\r\n\r\n" + kHeader +
      "clock-unit instructions\r\n"
      "cpu 0 ticks 1002 expected-ticks 1001 missed 0 early 0 switches 2336 remote-wakes 0 shootdowns 0 flushes-for-others 0 shootdown-timeouts 0\r\n"
      "path page-fault cpu 0 count 1 min 576 mean 576 max 576 buckets 512:1\r\n"
      "path timer+switch cpu 0 count 1002 min 203 mean 289 max 302 buckets 128:1,256:1001\r\n"
      "path syscall/yield+switch cpu 0 count 334 min 153 mean 153 max 155 buckets 128:334\r\n"
      "path syscall/sleep cpu 0 count 334 min 25 mean 25 max 25 buckets 16:334\r\n"
      "path syscall/sleep+switch cpu 0 count 1000 min 187 mean 187 max 189 buckets 128:1000\r\n"
      "path syscall/getpid cpu 0 count 668 min 13 mean 13 max 13 buckets 0:668\r\n"
      "path syscall/write cpu 0 count 1336 min 24 mean 30 max 35 buckets 16:668,32:668\r\n"
      "path syscall/clock cpu 0 count 666 min 29 mean 29 max 29 buckets 16:666\r\n"
      "path syscall/sysinfo cpu 0 count 666 min 29 mean 82 max 851 buckets 16:333,128:332,512:1\r\n"
      "path syscall/get_priority cpu 0 count 333 min 24 mean 24 max 24 buckets 16:333\r\n"
      "path syscall/set_priority cpu 0 count 999 min 24 mean 26 max 28 buckets 16:999\r\n"
      "path syscall/invalid cpu 0 count 334 min 20 mean 20 max 20 buckets 16:334\r\n"
      "switch-paths 0 count 2336 min 153 mean 226 max 302 p50 255 p99 511\r\n"
      "longest-runnable-wait 2998666\r\n"
      "verdict pass\r\n"
      "end-of-report\r\n");
  const std::vector<PathBucket> sysinfo{{16, 31, 333}, {128, 255, 332}, {512, 1023, 1}};
  EXPECT_EQ(path_buckets(r.get("path", "syscall/sysinfo")), sysinfo);
  const std::vector<PathBucket> getpid{{0, 15, 668}};
  EXPECT_EQ(path_buckets(r.get("path", "syscall/getpid")), getpid);
  const auto paths = merged_paths(r);
  ASSERT_EQ(paths.size(), 12u);
  EXPECT_EQ(paths[1].first, "timer+switch");
  const std::vector<PathBucket> timer{{128, 255, 1}, {256, 511, 1001}};
  EXPECT_EQ(paths[1].second.buckets, timer);
  // The switch figures merge the +switch paths' buckets: p50 and p99 are
  // their upper bounds.
  EXPECT_EQ(r.get("switch-paths", "0").number("p50"), 255u);
  EXPECT_EQ(r.get("switch-paths", "0").number("p99"), 511u);
}

// The kernel's side of the buckets (core/stats/path_stats.h): a cost lands
// in the bucket of its bit width, [0, 16) in the first, everything from 2^18
// on in the last; the host's bounds (path_buckets) are the kernel's.
TEST(ShutdownReport, PathStatsBucketsCostsByBitWidth) {
  PathStats stats;
  for (std::uint64_t cost : {0ull, 15ull, 16ull, 31ull, 32ull, 300ull, 511ull, 1ull << 18, 1ull << 40, ~0ull}) {
    stats.record(Cycles{cost});
  }
  const std::uint32_t expected[PathStats::kBuckets] = {2, 2, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};
  for (unsigned b = 0; b < PathStats::kBuckets; ++b) EXPECT_EQ(stats.bucket(b), expected[b]) << "bucket " << b;
  EXPECT_EQ(PathStats::bucket_low(5), 256u);
  EXPECT_EQ(PathStats::bucket_low(PathStats::kBuckets - 1), 1u << 18);
  const ShutdownReport r = read_shutdown_report(
      kHeader + "path p cpu 0 count 10 min 0 mean 1 max 1 buckets 0:2,16:2,32:1,256:2,262144:3\nend-of-report\n");
  const std::vector<PathBucket> read{{0, 15, 2}, {16, 31, 2}, {32, 63, 1}, {256, 511, 2}, {262144, UINT64_MAX, 3}};
  EXPECT_EQ(path_buckets(r.get("path", "p")), read);
}

TEST(ShutdownReport, MalformedBucketsAreAnErrorNamingThePath) {
  const auto error_of_buckets = [](const std::string& buckets) -> std::string {
    const ShutdownReport r =
        read_shutdown_report(kHeader + "path timer cpu 0 count 3 min 60 mean 70 max 80 buckets " + buckets +
                             "\nend-of-report\n");
    try {
      path_buckets(r.get("path", "timer"));
    } catch (const ShutdownReportError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error_of_buckets("64:3"), "");
  EXPECT_NE(error_of_buckets("64:2").find("add up to 2"), std::string::npos);
  EXPECT_NE(error_of_buckets("65:3").find("not the low end"), std::string::npos);
  EXPECT_NE(error_of_buckets("64:2,32:1").find("not ascending"), std::string::npos);
  EXPECT_NE(error_of_buckets("64:x").find("path timer buckets"), std::string::npos);
  EXPECT_NE(error_of_buckets("64:3,").find("is not <low>:<count>"), std::string::npos);
}

}  // namespace
}  // namespace pristine::sim
