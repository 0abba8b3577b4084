// `pristine sim --trace`: the Chrome trace-event JSON a run writes
// (sim/trace_recorder.h, docs/traces.md). Its structure as Perfetto reads
// it, nested spans, IPI flows from CPU to CPU, byte-identical output for a
// seed, and a path that cannot be written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sim/trace_recorder.h"
#include "tests/run_command.h"
#include "tests/scenario_files.h"
#include "tests/scratch_path.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pristine::sim::Cycles;
using pristine::sim::TraceRecorder;
using pristine::testing::pristine;
using pristine::testing::read_file;

fs::path temp_path(const std::string& name) { return pristine::testing::scratch_path("trace-test-" + name); }

// A shipped scenario cut to `duration`, written to a temporary file of its
// own (`name`: the tests run in parallel).
fs::path shortened(const std::string& scenario, const std::string& duration, const std::string& name) {
  return pristine::testing::with_duration(fs::path(PRISTINE_SOURCE_DIR) / "scenarios" / (scenario + ".toml"), duration,
                                          "trace-test-" + name + ".toml");
}

// Runs the scenario with --trace (and --json); the trace's text.
std::string traced_run(const fs::path& scenario, const std::string& name, const std::string& extra = "") {
  const fs::path trace = temp_path(name + ".trace.json");
  fs::remove(trace);
  const auto r = pristine("sim " + scenario.string() + " --trace " + trace.string() + " " + extra);
  EXPECT_TRUE(r.status == 0 || r.status == 1) << r.output;  // a verdict, not an error
  EXPECT_TRUE(fs::exists(trace)) << r.output;
  return read_file(trace);
}

bool has_fields(const json& e, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (!e.contains(key)) return false;
  }
  return true;
}

// Every event has its phase's fields; on every thread track the spans nest
// (no end without its begin, none left open) and time never goes back.
void expect_well_formed(const json& trace) {
  ASSERT_TRUE(trace.contains("traceEvents") && trace["traceEvents"].is_array());
  std::map<int, std::vector<double>> open;  // per tid: begin times of open spans
  std::map<int, std::vector<std::string>> open_names;  // per tid: their names
  std::map<int, double> last_ts;
  std::set<int> named;
  for (const json& e : trace["traceEvents"]) {
    ASSERT_TRUE(e.contains("ph")) << e.dump();
    const std::string ph = e["ph"];
    if (ph == "M") {
      ASSERT_TRUE(has_fields(e, {"pid", "name", "args"})) << e.dump();
      if (e["name"] == "thread_name") named.insert(e["tid"].get<int>());
      continue;
    }
    ASSERT_TRUE(has_fields(e, {"pid", "ts"})) << e.dump();
    ASSERT_TRUE(e["ts"].is_number()) << e.dump();
    if (ph == "i" && e["s"] == "p") {
      ASSERT_TRUE(has_fields(e, {"name", "cat"})) << e.dump();
      continue;  // a process-wide instant: no thread track
    }
    ASSERT_TRUE(e.contains("tid")) << e.dump();
    const int tid = e["tid"];
    const double ts = e["ts"];
    EXPECT_TRUE(named.count(tid)) << "track without a name: " << e.dump();
    EXPECT_GE(ts, last_ts[tid]) << "time went back on track " << tid << ": " << e.dump();
    last_ts[tid] = ts;
    if (ph == "B") {
      ASSERT_TRUE(has_fields(e, {"name", "cat"})) << e.dump();
      open[tid].push_back(ts);
      open_names[tid].push_back(e["name"]);
    } else if (ph == "E") {
      ASSERT_FALSE(open[tid].empty()) << "end without a begin: " << e.dump();
      open[tid].pop_back();
      // The begin's name again: viewers that match ends by name need it.
      EXPECT_EQ(e.value("name", ""), open_names[tid].back()) << e.dump();
      open_names[tid].pop_back();
    } else if (ph == "i") {
      ASSERT_TRUE(has_fields(e, {"name", "cat", "s", "args"})) << e.dump();
      EXPECT_EQ(e["s"], "t");
      EXPECT_TRUE(e["args"]["rip"].get<std::string>().starts_with("0x")) << e.dump();
    } else if (ph == "s" || ph == "f") {
      ASSERT_TRUE(has_fields(e, {"name", "cat", "id"})) << e.dump();
      if (ph == "f") {
        EXPECT_EQ(e["bp"], "e");
        EXPECT_FALSE(open[tid].empty()) << "a flow end outside any span: " << e.dump();
      }
    } else {
      ADD_FAILURE() << "unexpected phase: " << e.dump();
    }
  }
  for (const auto& [tid, spans] : open) EXPECT_TRUE(spans.empty()) << spans.size() << " span(s) left open on " << tid;
}

std::vector<const json*> events(const json& trace, const std::string& phase, const std::string& category = "") {
  std::vector<const json*> out;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] == phase && (category.empty() || e.value("cat", "") == category)) out.push_back(&e);
  }
  return out;
}

// ---- timestamps ---------------------------------------------------------------------

TEST(TraceTimestamps, AreExactMicrosecondsWhenTheClockAllowsIt) {
  EXPECT_EQ(TraceRecorder::format_ts(0, 2'000'000'000), "0.0000");
  EXPECT_EQ(TraceRecorder::format_ts(1, 2'000'000'000), "0.0005");
  EXPECT_EQ(TraceRecorder::format_ts(40'000'001, 2'000'000'000), "20000.0005");
  EXPECT_EQ(TraceRecorder::format_ts(1'234, 1'000'000'000), "1.234");
  EXPECT_EQ(TraceRecorder::format_ts(7, 1'000'000), "7");
  // 3 GHz: no finite decimal; picoseconds, rounded down (still monotonic).
  EXPECT_EQ(TraceRecorder::format_ts(1, 3'000'000'000), "0.000333");
  EXPECT_EQ(TraceRecorder::format_ts(3, 3'000'000'000), "0.001000");
  // The largest modeled time does not overflow.
  EXPECT_EQ(TraceRecorder::format_ts(~Cycles{0}, 2'000'000'000), "9223372036854775.8075");
}

// ---- the recorder on its own ----------------------------------------------------------

TEST(TraceRecorder, RunEndClosesOpenSpansAndTaskSlicesAtEachCpuClock) {
  pristine::sim::Scenario scenario;
  scenario.name = "unit";
  scenario.cpus = 2;
  std::ostringstream out;
  TraceRecorder recorder(out, scenario);
  recorder.task_running(0, 10, 3, "a\xff");  // not UTF-8: replaced, the file stays valid
  recorder.span_begin(0, 20, pristine::sim::vector_path(0x40));
  recorder.span_begin(0, 30, pristine::sim::vector_path(0x20));
  recorder.span_end(0, 40, true);
  recorder.run_ended({100, 50});
  recorder.violation({.kind = "budget", .message = "over", .at_cycle = 1234, .cost_cycles = 1001});
  recorder.finish();
  const json trace = json::parse(out.str());
  expect_well_formed(trace);
  const auto ends = events(trace, "E");
  ASSERT_EQ(ends.size(), 3u);
  EXPECT_EQ((*ends[0])["args"]["switched"], true);
  EXPECT_EQ((*ends[1])["ts"], 0.05);  // 100 cycles at 2 GHz
  const auto violations = events(trace, "i", "violation");
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ((*violations[0])["ts"], 0.05) << "found by an end-of-run check: shown at the end";
  EXPECT_EQ((*violations[0])["args"]["at_cycle"], 1234);
  EXPECT_EQ((*violations[0])["args"]["cost_cycles"], 1001);
}

// ---- traces of runs ---------------------------------------------------------------------

TEST(Trace, OfTimerStormIsWellFormedWithSpansTasksAndSourceArrivals) {
  const json trace = json::parse(traced_run(shortened("timer-storm", "duration_us = 1500", "storm"), "storm"));
  expect_well_formed(trace);
  EXPECT_EQ(trace["otherData"]["cpu_hz"], 2'000'000'000);
  std::set<std::string> spans, tasks, sources;
  for (const json* e : events(trace, "B")) ((*e)["cat"] == "task" ? tasks : spans).insert((*e)["name"]);
  for (const json* e : events(trace, "i", "source")) sources.insert((*e)["name"]);
  EXPECT_TRUE(spans.count("timer")) << "the report's path names";
  EXPECT_TRUE(tasks.count("counter-a")) << "the kernel's task names";
  EXPECT_EQ(sources, (std::set<std::string>{"nic", "disk"})) << "the scenario's source names";
}

// Some span on a CPU track begins after another began and ends before it
// ends: an interrupt taken inside a handler or a system call.
TEST(Trace, NestedDeliveryIsASpanStrictlyInsideAnother) {
  const json trace = json::parse(traced_run(fs::path(PRISTINE_SOURCE_DIR "/scenarios/faults.toml"), "nested"));
  struct Open {
    double begin;
    std::vector<std::pair<double, double>> children;  // (begin, end)
  };
  std::map<int, std::vector<Open>> open;
  bool nested = false;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] != "B" && e["ph"] != "E") continue;
    const int tid = e["tid"];
    if (tid >= 200) continue;  // the task tracks
    const double ts = e["ts"];
    std::vector<Open>& stack = open[tid];
    if (e["ph"] == "B") {
      stack.push_back({ts, {}});
      continue;
    }
    const Open span = stack.back();
    stack.pop_back();
    for (const auto& [begin, end] : span.children) {
      if (span.begin < begin && end < ts) nested = true;
    }
    if (!stack.empty()) stack.back().children.emplace_back(span.begin, ts);
  }
  EXPECT_TRUE(nested);
}

TEST(Trace, IpisAreFlowsFromTheSenderToAnotherCpuEachTakenOnce) {
  const fs::path report = temp_path("ipi-storm.json");
  const json trace =
      json::parse(traced_run(shortened("ipi-storm", "duration_us = 1000", "ipi"), "ipi", "--json " + report.string()));
  expect_well_formed(trace);
  std::map<std::uint64_t, const json*> starts, ends;
  for (const json* e : events(trace, "s", "ipi")) EXPECT_TRUE(starts.emplace((*e)["id"], e).second) << e->dump();
  for (const json* e : events(trace, "f", "ipi")) EXPECT_TRUE(ends.emplace((*e)["id"], e).second) << e->dump();
  std::map<std::string, int> cross_cpu;  // per vector
  for (const auto& [id, end] : ends) {
    ASSERT_TRUE(starts.count(id)) << "a flow end without its start: " << end->dump();
    const json& start = *starts[id];
    const int from = start["tid"].get<int>() % 100, to = (*end)["tid"].get<int>() % 100;
    EXPECT_EQ(start["name"], (*end)["name"]);
    EXPECT_EQ(start["args"]["to"], to) << "taken by the CPU it was sent to";
    EXPECT_LT(start["ts"].get<double>(), (*end)["ts"].get<double>());
    // A shootdown may include the sender itself; wake-ups go to a partner's CPU.
    if (start["name"] == "ipi-reschedule") {
      EXPECT_NE(from, to) << start.dump();
    }
    if (from != to) ++cross_cpu[start["name"]];
  }
  EXPECT_GT(cross_cpu["ipi-reschedule"], 20);
  EXPECT_GT(cross_cpu["ipi-tlb-shootdown"], 20);
  // The sends never taken are the ones the report counts in flight.
  std::ifstream in(report);
  EXPECT_EQ(starts.size() - ends.size(), json::parse(in)["ipis"]["in_flight"].get<std::size_t>());
}

// An NMI injected while another is in service is latched, and the iretq
// that ends the one in service ends the blocking: the latched one is taken
// before the next instruction (SDM Vol. 3, 6.7.1), at the very cycle, not
// at the engine's next stop. Turns of a million cycles and a slow tick leave
// that next stop up to an injection away (about 10 000 cycles).
TEST(Trace, ALatchedNmiIsTakenTheMomentTheOneInServiceReturns) {
  const fs::path scenario = temp_path("nmi-latch.toml");
  std::ofstream(scenario) << R"([scenario]
name = "nmi-latch"
seed = 3
cpus = 2
duration_ms = 10
quantum_cycles = 1000000
[kernel]
tick_hz = 100
[[task]]
name = "a"
program = "counter"
cpu = 0
[[task]]
name = "b"
program = "counter"
cpu = 1
[[fault]]
kind = "nmi"
mean_cycles = 10000
)";
  const json trace = json::parse(traced_run(scenario, "nmi-latch"));
  expect_well_formed(trace);
  int latched = 0;  // NMIs injected while another was in service
  std::map<int, bool> in_nmi, pending;
  std::map<int, double> ended;  // the last NMI's return
  for (const json& e : trace["traceEvents"]) {
    if (e.value("name", "") != "nmi") continue;
    const int tid = e["tid"];
    const double ts = e["ts"];
    if (e["ph"] == "i") {
      if (in_nmi[tid]) pending[tid] = true;
    } else if (e["ph"] == "B") {
      if (pending[tid]) {
        EXPECT_EQ(ts, ended[tid]) << "a latched NMI taken " << ts - ended[tid] << " us after the one in service returned";
        ++latched;
      }
      in_nmi[tid] = true;
      pending[tid] = false;
    } else if (e["ph"] == "E") {
      in_nmi[tid] = false;
      ended[tid] = ts;
    }
  }
  EXPECT_GT(latched, 20) << "the scenario must latch NMIs for the test to say anything";
}

TEST(Trace, SameSeedWritesTheSameBytesAndAnotherSeedMovesTheArrivals) {
  const fs::path scenario = shortened("timer-storm", "duration_us = 1000", "seeds");
  const std::string first = traced_run(scenario, "seed-a", "--seed 5");
  const std::string again = traced_run(scenario, "seed-b", "--seed 5");
  const std::string other = traced_run(scenario, "seed-c", "--seed 6");
  ASSERT_FALSE(first.empty());
  EXPECT_TRUE(first == again) << "same seed, different bytes";
  auto arrivals = [](const std::string& text) {
    std::vector<std::pair<std::string, double>> out;
    const json trace = json::parse(text);
    for (const json* e : events(trace, "i", "source")) out.emplace_back((*e)["name"], (*e)["ts"]);
    return out;
  };
  EXPECT_FALSE(arrivals(first).empty());
  EXPECT_NE(arrivals(first), arrivals(other));
}

// ---- the output path ---------------------------------------------------------------------

TEST(TraceCli, UnwritablePathExitsTwoNamingItBeforeTheRunAndLeavesNoFile) {
  for (const std::string& path : {std::string("/nonexistent-dir/t.json"), temp_path("a-directory/").string()}) {
    fs::create_directories(temp_path("a-directory"));
    const auto r = pristine("sim " PRISTINE_SOURCE_DIR "/scenarios/quiet.toml --trace " + path);
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("--trace '" + path + "'"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("verdict"), std::string::npos) << "refused before the run: " << r.output;
  }
  EXPECT_FALSE(fs::exists("/nonexistent-dir"));
  EXPECT_TRUE(fs::is_empty(temp_path("a-directory")));
}

// A trace that cannot be written at the end (a full device): the verdict is
// printed, the trace is reported NOT written, exit 2.
TEST(TraceCli, WriteFailureAtTheEndExitsTwo) {
  const auto r = pristine("sim " + shortened("timer-storm", "duration_us = 200", "full").string() + " --trace /dev/full");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--trace '/dev/full': the trace was NOT written"), std::string::npos) << r.output;
}

// An earlier run's trace is removed when a run starts, so a run that dies
// leaves no trace that could be taken for its own; the temporary file it
// streams into sits beside the path and is gone afterwards.
TEST(TraceCli, LeavesOnlyTheFinishedTraceInItsDirectory) {
  const fs::path dir = temp_path("dir");
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto r = pristine("sim " + shortened("timer-storm", "duration_us = 200", "dir").string() + " --trace " +
                          (dir / "t.json").string());
  EXPECT_EQ(r.status, 1) << "too short to judge, yet its trace is written: " << r.output;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"t.json"});
}

}  // namespace
