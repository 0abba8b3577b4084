// Host calibration (`pristine calibrate --host`): every cost-table entry is
// classified, and the command measures every unprivileged row. No assertion
// on speed: only that figures exist, are positive and finite.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/host_calibration.h"
#include "tests/run_command.h"

namespace pristine::sim {
namespace {

using pristine::testing::pristine;

const HostRow* row_covering(const std::vector<HostRow>& rows, const std::string& entry) {
  for (const HostRow& r : rows) {
    if (std::find(r.covers.begin(), r.covers.end(), entry) != r.covers.end()) return &r;
  }
  return nullptr;
}

TEST(HostCalibration, EveryCostTableEntryIsMeasuredOrRingZeroOnly) {
  const CostTable table = CostTable::defaults();
  const std::vector<HostRow> rows = host_rows(table);
  const std::vector<std::string> missing = unclassified_entries(table, rows);
  EXPECT_TRUE(missing.empty()) << "cost-table entries with no host-calibration row (sim/host_calibration.cpp): "
                               << ::testing::PrintToString(missing);
  ASSERT_FALSE(table.event_entries().empty());
  for (const HostRow& r : rows) {
    EXPECT_FALSE(r.covers.empty()) << r.row;
    EXPECT_FALSE(r.source.empty()) << r.row;
    EXPECT_EQ(r.probe.empty(), r.status == HostRowStatus::RingZeroOnly) << r.row << ": a probe exactly when measurable";
  }
}

TEST(HostCalibration, PrivilegedEntriesAreRingZeroOnly) {
  const std::vector<HostRow> rows = host_rows(CostTable::defaults());
  for (const char* entry : {"swapgs", "wrmsr", "rdmsr", "invlpg", "lgdt", "lidt", "ltr", "cli", "sti", "in", "out",
                            "syscall", "sysret", "mov cr3, r", "mov cr0/cr4, r", "mov r, crN",
                            "interrupt delivery, ring 0", "interrupt delivery, from ring 3", "IPI latency"}) {
    const HostRow* r = row_covering(rows, entry);
    ASSERT_NE(r, nullptr) << entry;
    EXPECT_EQ(r->status, HostRowStatus::RingZeroOnly) << entry;
  }
  for (const char* entry : {"rdtsc", "cpuid", "pause", "mfence", "lock prefix (added)", "xchg", "div", "iretq"}) {
    const HostRow* r = row_covering(rows, entry);
    ASSERT_NE(r, nullptr) << entry;
    EXPECT_NE(r->status, HostRowStatus::RingZeroOnly) << entry;
  }
}

TEST(HostCalibration, TableFiguresComeFromTheCostTable) {
  const CostTable table = CostTable::defaults();
  const std::vector<HostRow> rows = host_rows(table);
  const HostRow* rdtsc = row_covering(rows, "rdtsc");
  ASSERT_NE(rdtsc, nullptr);
  const auto& entries = table.entries();
  const auto e = std::find_if(entries.begin(), entries.end(), [](const auto& x) { return x.mnemonic == "rdtsc"; });
  ASSERT_NE(e, entries.end());
  EXPECT_EQ(rdtsc->table_cycles, e->cycles);
  EXPECT_EQ(rdtsc->source, e->source);
}

TEST(HostCalibration, CommandMeasuresEveryUnprivilegedRowAndWritesTheSameRowsAsJson) {
  const std::filesystem::path json =
      std::filesystem::temp_directory_path() / ("pristine-host-calibration-" + std::to_string(getpid()) + ".json");
  const auto r = pristine("calibrate --host --repetitions 2 --json " + json.string());
  ASSERT_EQ(r.status, 0) << r.output;

  std::ifstream in(json);
  ASSERT_TRUE(in) << json;
  const nlohmann::json j = nlohmann::json::parse(in);
  std::filesystem::remove(json);
  EXPECT_GT(j.at("tsc_ticks_per_cycle").get<double>(), 0);

  const std::vector<HostRow> expected = host_rows(CostTable::defaults());
  const auto& rows = j.at("rows");
  ASSERT_EQ(rows.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& row = rows[i];
    const std::string name = row.at("row");
    EXPECT_EQ(name, expected[i].row);
    EXPECT_EQ(row.at("table_cycles").get<std::uint32_t>(), expected[i].table_cycles) << name;
    EXPECT_EQ(row.at("source").get<std::string>(), expected[i].source) << name;
    // The printed table carries the same row.
    const auto line_start = r.output.find("\n" + name + " ");
    ASSERT_NE(line_start, std::string::npos) << name << "\n" << r.output;
    const std::string line = r.output.substr(line_start + 1, r.output.find('\n', line_start + 1) - line_start - 1);
    const std::string status = row.at("status");
    if (expected[i].status == HostRowStatus::RingZeroOnly) {
      EXPECT_EQ(status, "ring 0 only") << name;
      EXPECT_TRUE(row.at("host_cycles").is_null()) << name;
      EXPECT_NE(line.find("ring 0 only: keeps its source"), std::string::npos) << line;
      continue;
    }
    if (status == "not available on this CPU") {
      EXPECT_NE(name.find("xsave"), std::string::npos) << name << ": only XSAVE may be missing on an x86-64 CPU";
      EXPECT_NE(line.find("not available on this CPU"), std::string::npos) << line;
      continue;
    }
    EXPECT_EQ(status, "measured") << name;
    ASSERT_TRUE(row.at("host_cycles").is_number()) << name;
    const double cycles = row.at("host_cycles");
    EXPECT_TRUE(std::isfinite(cycles) && cycles > 0) << name << ": " << cycles;
    EXPECT_NE(line.find(fmt::format("{:.1f}", cycles)), std::string::npos) << line;
  }
}

TEST(HostCalibration, BadArgumentsNameTheFlag) {
  for (const char* args : {"--repetitions 0", "--repetitions many"}) {
    const auto r = pristine(std::string("calibrate --host ") + args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("--repetitions"), std::string::npos) << r.output;
  }
  const auto bad_path = pristine("calibrate --host --repetitions 2 --json /nonexistent-pristine-dir/out.json");
  EXPECT_EQ(bad_path.status, 2) << bad_path.output;
  EXPECT_NE(bad_path.output.find("--json"), std::string::npos) << bad_path.output;
  const auto one = pristine("calibrate --host --repetitions 1");
  EXPECT_EQ(one.status, 2) << "no minimum over one repetition\n" << one.output;
  EXPECT_NE(one.output.find("--repetitions"), std::string::npos) << one.output;
  const auto without_host = pristine("calibrate --json out.json");
  EXPECT_EQ(without_host.status, 2) << without_host.output;
}


// The JSON goes through the CLI's one writer (sim/cli/output_file.h): a FIFO
// (like /dev/stdout or /dev/null) is written in place and stays a FIFO. The
// earlier writer renamed a temporary file over any path, which as root
// replaced /dev/null or /dev/full by a regular file: this test uses a FIFO of
// its own so that a regression cannot damage the machine's devices (the
// writer's /dev/full case is in cli_support_test and cli_test).
TEST(HostCalibration, JsonToAFifoIsWrittenInPlace) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pristine-host-calibration-fifo-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto fifo = dir / "json.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const auto r = pristine::testing::run_command(
      fmt::format("timeout 60 cat {0} > {1} & reader=$!; {2}/bin/pristine calibrate --host --repetitions 2 --json {0}; "
                  "status=$?; wait $reader; exit $status",
                  fifo.string(), (dir / "received.json").string(), PRISTINE_BUILD_DIR));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::filesystem::is_fifo(fifo)) << "the FIFO was replaced";
  std::ifstream in(dir / "received.json");
  nlohmann::json j;
  EXPECT_NO_THROW(j = nlohmann::json::parse(in));
  EXPECT_TRUE(j.contains("rows"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pristine::sim
