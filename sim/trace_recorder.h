// The trace recorder: turns what the simulator does (deliveries and returns,
// task switches, IPIs, source arrivals, injected faults, violations) into
// Chrome trace-event JSON, the format Perfetto's UI and chrome://tracing open
// (docs/traces.md). Events are written to the stream as they happen, so its
// memory does not grow with the run: it keeps only each CPU's open-span
// count, its running task and the IPIs raised but not yet taken.
//
// Tracks (one process, "pristine <scenario>"): "cpu N" (tid 100 + N) holds
// the handler, exception and system-call spans, nested as they nest on the
// CPU, and the CPU's instants; "cpu N tasks" (tid 200 + N) the task running.
// Timestamps are modeled time in microseconds, exact (see format_ts).
// Deterministic: every number is an integer or a fixed-point decimal made
// from integers, so the same run writes the same bytes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/host_types.h"
#include "sim/path_id.h"
#include "sim/report.h"
#include "sim/scenario.h"

namespace pristine::sim {

class TraceRecorder {
 public:
  // Where an instant happened on its CPU.
  struct Where {
    VirtAddr rip = 0;
    std::string_view symbol;
  };

  // Writes the header and the names of every track.
  TraceRecorder(std::ostream& out, const Scenario& scenario);
  TraceRecorder(const TraceRecorder&) = delete;
  TraceRecorder& operator=(const TraceRecorder&) = delete;

  // A path's accounting record opened (delivery, system call entry) or the
  // innermost one closed (its return).
  void span_begin(CpuId cpu, Cycles now, PathId path);
  void span_end(CpuId cpu, Cycles now, bool switched);

  // The task the CPU runs (-1: none known); task_running only on a change.
  int running_task(CpuId cpu) const { return cpus_[cpu].task; }
  void task_running(CpuId cpu, Cycles now, int task, std::string_view name);

  // An IPI written to the board (its flow's id, carried by the event), raised
  // at the target's controller, taken by the target (every send raised so far
  // ends its flow there: coalesced sends are served by one delivery).
  std::uint64_t ipi_sent(CpuId from, Cycles now, CpuId to, Vector vector);
  void ipi_raised(CpuId cpu, Vector vector, std::uint64_t flow);
  void ipi_taken(CpuId cpu, Cycles now, Vector vector);

  void source_arrived(CpuId cpu, Cycles now, std::string_view source, Vector vector, Where where);
  void fault_injected(CpuId cpu, Cycles now, std::string_view kind, std::optional<Vector> vector, Where where);
  // A violation raised during the run, at its time; one handed in after
  // run_ended (the end-of-run checks, the checkers' collected findings), at
  // the end, its own cycles (sometimes a cost) kept as an argument.
  void violation(const Violation& v);

  // The run stopped with each CPU's clock at `clocks[cpu]`: every open span
  // and task slice ends there.
  void run_ended(const std::vector<Cycles>& clocks);
  // Closes the JSON and flushes the stream; check the stream afterwards.
  void finish();

  // Modeled cycles as microseconds, the unit of "ts", with the fewest
  // decimals that make every cycle count exact (cpu_hz divides 10^(6+d):
  // any clock of 2^a * 5^b Hz, four decimals at 2 GHz), else six decimals
  // (picoseconds, rounded down).
  static std::string format_ts(Cycles cycles, std::uint64_t cpu_hz);
  static int ts_decimals(std::uint64_t cpu_hz);

 private:
  // End events repeat their begin's name: the format allows an end without
  // one, but viewers that match ends by name (speedscope) need it.
  struct CpuState {
    std::vector<PathId> open_spans;  // innermost last; as deep as interrupts nest
    int task = -1;
    std::string task_name;  // JSON-quoted
  };
  static constexpr int kCpuTrackBase = 100;
  static constexpr int kTaskTrackBase = 200;

  static void append_ts(std::string& out, Cycles cycles, std::uint64_t cpu_hz, int decimals);
  void begin_event(char phase, int tid, Cycles now);
  void instant(CpuId cpu, Cycles now, std::string_view name, std::string_view category);
  void where_args(Where where);
  void end_event();
  void flush_if_full();
  const std::string& span_name(PathId path);

  std::ostream& out_;
  GuestArchitecture arch_;  // whose vector names (sim/vector_names.h)
  std::uint64_t cpu_hz_;
  int ts_decimals_;
  std::string buffer_;  // written out in chunks, not per event
  bool first_event_ = true;
  bool ended_ = false;
  Cycles end_ = 0;
  std::vector<CpuState> cpus_;
  std::uint64_t next_flow_ = 1;
  std::map<std::pair<CpuId, Vector>, std::vector<std::uint64_t>> raised_flows_;
  std::array<std::string, kPathCount> span_names_;  // JSON-quoted, filled on first use
};

}  // namespace pristine::sim
