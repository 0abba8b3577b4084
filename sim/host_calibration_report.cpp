#include "sim/host_calibration_report.h"

#include <fmt/format.h>

#include <cmath>

namespace pristine::sim {
namespace {

constexpr const char* kUnit =
    "core cycles: TSC ticks per instruction divided by the TSC ticks of one dependent add (1 cycle) measured in "
    "the same run; no performance counters (perf stat -e cycles is not supported on these machines)";

const char* kRingZero = "ring 0 only: keeps its source";

double ratio(const HostRow& r) {
  return r.table_cycles > 0 ? r.host_cycles / static_cast<double>(r.table_cycles) : std::nan("");
}

}  // namespace

std::string render_text(const HostCalibration& c) {
  std::string out = fmt::format("host calibration on {}{}, thread pinned to CPU {}\n", c.cpu,
                                c.hypervisor ? " (under a hypervisor)" : "", c.pinned_cpu);
  out += fmt::format(
      "figures: {}.\n  1 cycle = {:.3f} TSC ticks; the TSC steps by {} ticks, so each timed block lasts >= {:.0f} "
      "ticks (an asm loop over the unrolled instructions); the fenced TSC reads ({:.0f} ticks) are subtracted; each "
      "figure is the minimum over {} repetitions of the median of {} timed blocks; spread = (max - min) / min of "
      "the repetition medians.\n\n",
      kUnit, c.ticks_per_cycle, c.tsc_step, c.block_ticks, c.overhead_ticks, c.repetitions, c.iterations);
  out += fmt::format("{:<50} {:>6}  {:>10} {:>8} {:>9}  {}\n", "row", "table", "host", "ratio", "spread", "source");
  for (const HostRow& r : c.rows) {
    std::string figures;
    switch (r.status) {
      case HostRowStatus::Measured:
        figures = fmt::format("{:>10.1f} {:>8.2f} {:>8.0f}%", r.host_cycles, ratio(r), 100.0 * r.spread);
        break;
      case HostRowStatus::RingZeroOnly: figures = fmt::format("{:<29}", kRingZero); break;
      case HostRowStatus::NotAvailable: figures = fmt::format("{:<29}", to_string(r.status)); break;
    }
    out += fmt::format("{:<50} {:>6}  {}  {}\n", r.row, r.table_cycles, figures, r.source);
  }
  out += "\nWhat each measured row times (per pass of the block's loop; figures per instruction):\n";
  for (const HostRow& r : c.rows) {
    if (r.status == HostRowStatus::Measured) out += fmt::format("  {}: {}\n", r.row, r.how);
  }
  if (c.hypervisor) {
    out += "Under a hypervisor, an instruction it intercepts (cpuid always; pause past the pause-loop threshold) "
           "is measured with its VM exit.\n";
  }
  out += "The table changes only when a row's host figure is stable across runs (docs/cost-model.md, "
         "\"Host calibration\").\n";
  return out;
}

nlohmann::ordered_json to_json(const HostCalibration& c) {
  nlohmann::ordered_json j;
  j["cpu"] = c.cpu;
  j["hypervisor"] = c.hypervisor;
  j["pinned_cpu"] = c.pinned_cpu;
  j["repetitions"] = c.repetitions;
  j["iterations_per_repetition"] = c.iterations;
  j["unit"] = kUnit;
  j["tsc_ticks_per_cycle"] = c.ticks_per_cycle;
  j["tsc_read_overhead_ticks"] = c.overhead_ticks;
  j["tsc_step_ticks"] = c.tsc_step;
  j["min_block_ticks"] = c.block_ticks;
  auto& rows = j["rows"] = nlohmann::ordered_json::array();
  for (const HostRow& r : c.rows) {
    nlohmann::ordered_json e;
    e["row"] = r.row;
    e["covers"] = r.covers;
    e["status"] = to_string(r.status);
    e["table_cycles"] = r.table_cycles;
    const bool measured = r.status == HostRowStatus::Measured;
    e["host_cycles"] = measured ? nlohmann::ordered_json(r.host_cycles) : nlohmann::ordered_json(nullptr);
    e["host_tsc_ticks"] = measured ? nlohmann::ordered_json(r.host_ticks) : nlohmann::ordered_json(nullptr);
    e["ratio"] = measured ? nlohmann::ordered_json(ratio(r)) : nlohmann::ordered_json(nullptr);
    e["spread"] = measured ? nlohmann::ordered_json(r.spread) : nlohmann::ordered_json(nullptr);
    e["block_instructions"] = measured ? nlohmann::ordered_json(r.block_instructions) : nlohmann::ordered_json(nullptr);
    e["how"] = measured ? r.how : std::string(r.status == HostRowStatus::RingZeroOnly ? kRingZero : to_string(r.status));
    e["source"] = r.source;
    rows.push_back(std::move(e));
  }
  return j;
}

}  // namespace pristine::sim
