// Host calibration (`pristine calibrate --host`, docs/cost-model.md, "Host
// calibration"): the cost table's unprivileged instructions measured on this
// host CPU in ring 3, beside the table's figures.
//
// Every cost-table entry (CostTable::entries() and event_entries()) belongs to
// exactly one kind of row: measured by a host probe (sim/host_probes.h), or
// ring 0 only (it keeps its source). Figures are core cycles: TSC ticks
// divided by the ticks of one dependent `add` measured in the same run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/cost_model.h"

namespace pristine::sim {

enum class HostRowStatus {
  Measured,
  RingZeroOnly,   // needs ring 0: keeps its source
  NotAvailable,   // the CPU lacks it (e.g. XSAVE without OSXSAVE)
};

struct HostRow {
  std::string row;                   // what is compared, e.g. "lock add m64, r64"
  std::vector<std::string> covers;   // the cost-table entries it stands for
  std::uint32_t table_cycles = 0;    // the table's figure for `row` (CostTable::defaults())
  std::string source;                // the table's source for it
  std::string probe;                 // the host probe; empty for ring-0 rows
  HostRowStatus status = HostRowStatus::RingZeroOnly;
  std::string how;                   // what the probe times
  std::uint64_t block_instructions = 0;  // instructions per timed block (unroll x rounds)
  double host_ticks = 0;             // TSC ticks per instruction (minimum of the repetition medians)
  double host_cycles = 0;            // host_ticks / baseline ticks per cycle
  double spread = 0;                 // (max - min) / min of the repetition medians
};

// The rows, classified, table figures filled in, nothing measured. Fails
// (std::logic_error) when a row names an entry the table does not have.
std::vector<HostRow> host_rows(const CostTable& table);

// Table entries (instruction and event) that no row covers: empty when the
// classification is complete.
std::vector<std::string> unclassified_entries(const CostTable& table, const std::vector<HostRow>& rows);

struct HostCalibrationOptions {
  int repetitions = 10;       // Google Benchmark repetitions per probe
  int iterations = 500;       // timed blocks per repetition (their median is the repetition's figure)
};

struct HostCalibration {
  std::vector<HostRow> rows;
  std::string cpu;               // CPUID brand string
  bool hypervisor = false;       // CPUID says it runs under a hypervisor
  int pinned_cpu = -1;           // the CPU the measuring thread was pinned to
  int repetitions = 0;
  int iterations = 0;
  double overhead_ticks = 0;     // the two fenced TSC reads
  std::uint64_t tsc_step = 0;    // the smallest TSC step seen between two reads
  double block_ticks = 0;        // each timed block lasts at least this long (hundreds of TSC steps)
  double ticks_per_cycle = 0;    // one dependent add
};

// Pins the thread to the CPU it runs on, runs every probe with Google
// Benchmark (repetitions x iterations), restores the affinity.
HostCalibration calibrate_host(const CostTable& table, const HostCalibrationOptions& options);

const char* to_string(HostRowStatus status);

}  // namespace pristine::sim
