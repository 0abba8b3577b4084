// The result of a simulation run: what `pristine sim` prints as a table and
// writes as JSON. Everything in it is derived from modeled time and guest
// state only, so a scenario and seed give a byte-identical report anywhere.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/guest_architecture.h"
#include "sim/host_types.h"
#include "sim/distribution.h"
#include "sim/latency_buckets.h"

namespace pristine::sim {

struct HandlerReport {
  std::string name;
  std::optional<Vector> vector;         // none for system calls
  std::uint64_t count = 0;
  Distribution cycles;                  // inclusive, delivery to the return's first block
  Distribution cycles_exclusive;        // minus nested handlers
  Distribution instructions;
  Distribution instructions_exclusive;
  Distribution kernel_span_instructions;  // dispatch entry to exit, as the kernel measures it
  Distribution kernel_span_cycles;        // the same span in modeled cycles (what the kernel's clock reads)
  // `cycles` and `instructions` bucketed for charts (kChartSubBits) and for
  // the text report (log2), sim/latency_buckets.h.
  std::vector<LatencyBucket> cycles_histogram;
  std::vector<LatencyBucket> instructions_histogram;
  std::vector<LatencyBucket> cycles_log2;
  Cycles budget = 0;
  // The path's own cost, end to end, delivery included; a handler nested in it
  // (an NMI, a fault) is charged to its own path, not to this one.
  bool within_budget() const { return cycles_exclusive.max < budget; }
};

// A region ring-3 tasks profiled (profile_start/profile_stop,
// sim/profile_regions.h): row `profile/<id>`, never judged against a budget.
struct ProfileReport {
  std::string name;                 // "profile/<id>"
  std::uint64_t count = 0;          // regions closed
  Distribution cycles;              // start's return to stop's entry, modeled cycles
  Distribution instructions;        // the same span in instructions (regions that stayed on one CPU)
  std::uint64_t migrated = 0;       // regions closed on another CPU than they opened on: no instruction count
};

// Why the kernel ended a ring-3 task.
struct TaskFault {
  Vector vector;
  VirtAddr rip;
  std::uint64_t error_code;
  VirtAddr cr2;
};

struct TaskReport {
  std::string name;
  std::uint64_t progress = 0;  // the task's own counter
  bool has_progress_counter = false;  // the program counts its progress (not in the JSON)
  std::uint64_t ticks = 0;     // timer ticks that found it running
  std::uint64_t switches_in = 0;
  std::uint64_t gave_up = 0;    // stints it ended itself: wait, sleep, yield
  Cycles run_cycles = 0;        // time it ran (Running or in a switch), up to the end of the run
  Cycles wait_cycles = 0;       // time it waited Runnable, up to the end of the run
  Cycles own_cycles = 0;        // its CPU's time outside handlers while it was current (docs/scenarios.md)
  Cycles demand_cycles = 0;     // run + wait: the time it wanted the CPU
  double cpu_share = 0;         // own / demand; 0 without demand
  bool idle = false;            // a CPU's idle task (never judged)
  Cycles max_wait = 0;          // longest time it waited while runnable
  std::uint64_t wakeups = 0;    // wake-ups from sleep
  Cycles max_wake_latency = 0;  // longest delay from its wake deadline to runnable
  std::int64_t exit_code = 0;   // if dead: exit code, or -(vector + 1) if killed by a fault
  std::optional<TaskFault> fault;
  CpuId cpu = 0;                // the CPU it last ran on (or is queued on)
  std::uint64_t migrations = 0; // times the balancer moved it to another CPU
  bool user = false;
  bool alive = true;
};

struct InterruptTotals {
  std::uint64_t injected = 0;   // raised at the controller (timer, devices, IPIs)
  std::uint64_t delivered = 0;  // taken by the CPU through the IDT
  std::uint64_t coalesced = 0;  // raised while the same vector was already pending
  std::uint64_t pending = 0;    // still pending when the run ended
  std::uint64_t lost = 0;       // none of the above: a bug in the machine
};

struct Violation {
  std::string kind;     // e.g. "budget", "no-progress", "kernel-fault", "lost-interrupt", "console-output"
  std::string message;
  std::string symbol;   // where, if known
  VirtAddr rip = 0;
  std::optional<Vector> vector;
  // When it happened (its CPU's clock; for an end-of-run check, when the run
  // was judged), and the cost it is about (a path's worst case, the cycles
  // spent at a pristine-path site): each where it means something.
  std::optional<Cycles> at_cycle;
  std::optional<Cycles> cost_cycles;
  // Pristine-path violations (docs/pristine-rules.md): where in the source,
  // the hot path it happened in, the call chain (innermost first), and how
  // often the site was hit.
  std::string file;
  int line = 0;
  std::string path;
  std::vector<std::string> call_chain;
  std::uint64_t count = 0;
};

// One fault the simulator injected, where it hit and what the kernel did.
struct InjectedFault {
  std::string kind;
  std::optional<Cycles> at_cycle;  // when it was injected; none for a fault the run counts, not one it placed
  VirtAddr rip = 0;
  std::string symbol;
  std::string context;  // "ring 3 (task x)", "handler timer", "swapgs/iretq window", ...
  std::string outcome;
};

// One CPU's share of the run.
struct CpuReport {
  CpuId id = 0;
  Cycles cycles = 0;
  Cycles idle_cycles = 0;
  std::uint64_t instructions = 0;
  std::uint64_t ticks = 0;
  std::uint64_t expected_ticks = 0;
  std::uint64_t context_switches = 0;
  Cycles handler_cycles = 0;    // in interrupt and exception handlers (exclusive, delivery to return)
  Cycles first_task_at = 0;     // when it first ran a task (its boot before that); 0: never
  std::vector<HandlerReport> handlers;
  // trace_marker calls taken on it (core/debug/debug_calls.h, read from guest
  // memory): how many, the last value and the task that gave it.
  std::uint64_t trace_markers = 0;
  std::uint64_t trace_last_value = 0;
  std::string trace_last_task;
};

// A driven device (a source with `driver`): what its model delivered and what
// the guest driver says it did with it (core/drivers/uart.h, read from guest
// memory). The end-of-run check "device-data" compares the two.
struct DeviceReport {
  std::string driver;               // "uart0"
  std::uint64_t arrived = 0;        // bytes the line delivered to the device
  std::uint64_t overruns = 0;       // of those, lost in the device: its FIFO was full
  std::uint64_t read = 0;           // bytes the driver read from the device
  std::uint64_t cleared = 0;        // bytes the driver discarded (a FIFO reset at start)
  std::uint64_t left_in_device = 0; // bytes still in its FIFO at the end
  std::uint64_t read_checksum = 0;  // FNV-1a of the bytes read, as the device saw them go
  // The driver's own counts.
  std::uint64_t interrupts = 0;     // top halves
  std::uint64_t captured = 0;       // bytes its top half queued
  std::uint64_t ring_full = 0;      // bytes its top half dropped: the ring was full
  std::uint64_t overrun_reports = 0;  // overruns the device reported to it
  std::uint64_t consumed = 0;       // bytes its bottom half processed
  std::uint64_t checksum = 0;       // FNV-1a of the bytes consumed
  std::uint64_t bottom_half_runs = 0;
  // Device I/O (docs/drivers.md, "Device I/O"): the device's transmitter,
  std::uint64_t transmitted = 0;        // bytes its transmit FIFO took
  std::uint64_t transmit_lost = 0;      // bytes written while it was full
  std::uint64_t transmit_checksum = 0;  // FNV-1a of the bytes it took
  // and the driver's device-file counts.
  std::uint64_t delivered = 0;         // bytes the bottom half queued for a reader
  std::uint64_t reader_overflow = 0;   // bytes dropped: the reader's buffer was full
  std::uint64_t reader_read = 0;       // bytes `read` handed to ring 3
  std::uint64_t flushed = 0;           // bytes dropped from the reader's buffer (flush, close, open)
  std::uint64_t driver_transmitted = 0;        // bytes fd_write wrote to THR
  std::uint64_t driver_transmit_checksum = 0;  // FNV-1a of them
  std::uint64_t transmit_busy = 0;     // fd_write calls that found the transmitter full
  bool device_io() const { return delivered + reader_overflow + flushed + driver_transmitted + transmit_busy + transmit_lost != 0; }
  // The run ended inside the driver's top half (a CPU stops wherever the
  // duration finds it): the bytes it read and has not counted yet are not lost.
  bool ended_in_top_half = false;
};

// A driven NIC (nic0, core/drivers/nic.h): what its model delivered into the
// guest's descriptor ring and how its interrupts were moderated, beside what
// the guest driver says it did (read from guest memory). The "device-data"
// check compares the two.
struct NicReport {
  std::string driver;                // "nic0"
  std::uint64_t arrived = 0;         // packets the wire delivered
  std::uint64_t dropped = 0;         // missed in the device (no free descriptor, receiver off)
  std::uint64_t ring_full = 0;       // of those, missed because the ring was full
  std::uint64_t delivered = 0;       // written into the ring (DD set)
  std::uint64_t delivered_bytes = 0;
  std::uint64_t delivered_checksum = 0;  // FNV-1a of the delivered bytes, as the device wrote them
  std::uint64_t causes = 0;          // interrupt causes set while enabled
  std::uint64_t raised = 0;          // interrupts raised
  std::uint64_t moderated = 0;       // causes folded into an interrupt not their own
  std::uint64_t pending_causes = 0;  // causes neither raised nor folded yet at the end
  // The driver's own counts.
  std::uint64_t interrupts = 0;      // top halves
  std::uint64_t overrun_reports = 0; // interrupts whose cause said packets were missed
  std::uint64_t packets = 0;         // packets its bottom half processed
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0;        // FNV-1a of the bytes processed
  std::uint64_t bad_descriptors = 0;
  std::uint64_t bottom_half_runs = 0;
};

// Inter-processor interrupts: every send, and how long until the target's
// handler started (send-to-handle latency, modeled cycles).
struct IpiReport {
  std::uint64_t sent = 0;
  std::uint64_t handled = 0;    // sends served by a delivery (several may share one: coalesced)
  std::uint64_t coalesced = 0;  // sends that found their vector already pending at the target
  std::uint64_t in_flight = 0;  // sent, not yet handled when the run ended
  Distribution latency;
  struct PerVector {
    std::string name;
    std::uint64_t sent = 0;
    Distribution latency;
  };
  std::vector<PerVector> vectors;
  std::uint64_t shootdowns = 0;        // pages unmapped while other CPUs were running
  std::uint64_t flushes = 0;           // stale translations dropped by invlpg on other CPUs
};

// A scenario's interrupt source, by the name the scenario gives it: what
// raised a handler's vector (a device path is named by its vector, device1).
struct SourceReport {
  std::string name;
  std::string kind;     // periodic, poisson, bursty
  Vector vector = 0;
  CpuId cpu = 0;
  std::string driver;   // the driver whose device it feeds ("uart0"), or "" for a bare line
  std::string handler;  // the path its interrupts run (the report's handler name)
};

struct Report {
  std::string scenario;
  GuestArchitecture arch = GuestArchitecture::X86_64;  // whose vectors the paths name (sim/vector_names.h)
  std::uint64_t seed = 0;
  std::uint32_t cpus = 1;
  std::uint64_t cpu_hz = 0;
  Cycles duration = 0;            // requested
  Cycles cycles = 0;              // simulated
  Cycles idle_cycles = 0;         // halted, waiting for an interrupt
  std::uint64_t instructions = 0;
  std::uint64_t context_switches = 0;  // the kernel's own count
  std::uint64_t switch_count = 0;      // measured paths that switched tasks
  Distribution switch_cycles;          // their end-to-end cost
  Cycles max_wait = 0;                 // longest any ring-3 task waited while runnable
  std::uint64_t ticks = 0;
  std::uint64_t expected_ticks = 0;
  std::vector<HandlerReport> handlers;  // all CPUs together
  std::vector<ProfileReport> profiles;  // profiled regions, all CPUs together
  std::vector<CpuReport> per_cpu;
  IpiReport ipis;
  std::vector<TaskReport> tasks;
  std::vector<DeviceReport> devices;  // empty: no source drives a device
  std::vector<NicReport> nics;        // the same for NICs (nic0)
  InterruptTotals interrupts;
  std::vector<Violation> violations;
  std::vector<InjectedFault> faults;
  std::vector<SourceReport> sources;  // the scenario's [[source]] tables, in order
  std::string end;                // why the run ended: "duration", "guest exit N", "triple fault"
  std::string console;            // what the guest wrote to the board console
  // The end-of-run invariants the run checked: each one it did not break
  // passed (the JUnit form lists them all, sim/report_junit.h).
  std::vector<std::string> invariants_checked;
  bool pass() const;
};

// The JSON report's "schema_version" (docs/report-schema.md): raised when a
// field is renamed, removed or changes meaning; adding a field keeps it.
inline constexpr int kReportSchemaVersion = 1;

nlohmann::ordered_json to_json(const Report& report);
// The text report. A long injected-fault list (more than
// kFaultsListedInFull) is summarised by kind (count, first time, outcomes),
// unless `verbose` asks for every line.
inline constexpr std::size_t kFaultsListedInFull = 20;
struct TextOptions {
  bool verbose = false;
};
std::string render_text(const Report& report, const TextOptions& options = {});

}  // namespace pristine::sim
