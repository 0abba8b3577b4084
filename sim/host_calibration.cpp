// Host calibration (sim/host_calibration.h): which cost-table entry each row
// stands for, and the Google Benchmark run of the probes.
#include "sim/host_calibration.h"

#include <benchmark/benchmark.h>
#include <capstone/capstone.h>
#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string_view>

#include "sim/host_probes.h"

namespace pristine::sim {
namespace {

struct Priced {
  unsigned capstone_id;
  bool lock;
};

// One row. `priced`: the instructions the row executes, priced with the
// table's own CostTable::instruction_cost; empty: the covered entries' figure.
struct RowSpec {
  const char* row;
  std::vector<const char*> covers;
  const char* probe;  // nullptr: ring 0 only
  std::vector<Priced> priced;
};

const std::vector<RowSpec>& row_specs() {
  static const std::vector<RowSpec> specs = {
      // Measured in ring 3.
      {"rdtsc", {"rdtsc"}, "rdtsc", {}},
      {"board clock read (as rdtsc)", {"board clock read"}, "rdtsc", {}},
      {"rdtscp", {"rdtscp"}, "rdtscp", {}},
      {"pause", {"pause"}, "pause", {}},
      {"lfence", {"lfence"}, "lfence", {}},
      {"sfence", {"sfence"}, "sfence", {}},
      {"mfence", {"mfence"}, "mfence", {}},
      {"lock add m64 (add + lock prefix)", {"lock prefix (added)"}, "lock-add", {{X86_INS_ADD, true}}},
      {"lock xadd m64 (xadd + lock prefix)", {"lock prefix (added)"}, "lock-xadd", {{X86_INS_XADD, true}}},
      {"lock cmpxchg m64 (cmpxchg + lock prefix)", {"lock prefix (added)"}, "lock-cmpxchg", {{X86_INS_CMPXCHG, true}}},
      {"xchg m64, r64", {"xchg"}, "xchg", {{X86_INS_XCHG, false}}},
      {"pushfq", {"pushfq"}, "pushfq", {}},
      {"popfq", {"popfq"}, "popfq", {}},
      {"call + ret", {"call", "ret"}, "call-ret", {{X86_INS_CALL, false}, {X86_INS_RET, false}}},
      {"div r64", {"div"}, "div", {}},
      {"idiv r64", {"idiv"}, "idiv", {}},
      {"rep stosq, one 4 KiB page", {"rep movs / rep stos, 4 KiB"}, "rep-stosq-page", {}},
      {"fxsave64 / fxsave", {"fxsave64", "fxsave"}, "fxsave64", {}},
      {"fxrstor64 / fxrstor", {"fxrstor64", "fxrstor"}, "fxrstor64", {}},
      {"xsave64 / xsave", {"xsave64", "xsave"}, "xsave64", {}},
      {"xrstor64 / xrstor", {"xrstor64", "xrstor"}, "xrstor64", {}},
      {"cpuid", {"cpuid"}, "cpuid", {}},
      {"iretq (ring 3 -> ring 3)", {"iretq"}, "iretq", {}},
      // Privileged: #GP in ring 3, or a path through ring 0.
      {"swapgs", {"swapgs"}, nullptr, {}},
      {"wrmsr", {"wrmsr"}, nullptr, {}},
      {"rdmsr", {"rdmsr"}, nullptr, {}},
      {"invlpg", {"invlpg"}, nullptr, {}},
      {"lgdt / lidt / ltr", {"lgdt", "lidt", "ltr"}, nullptr, {}},
      {"cli / sti", {"cli", "sti"}, nullptr, {}},
      {"in / out / ins / outs", {"in", "out", "insb", "insw", "insd", "outsb", "outsw", "outsd"}, nullptr, {}},
      {"syscall (instruction; charged as an event)", {"syscall"}, nullptr, {}},
      {"sysret", {"sysret"}, nullptr, {}},
      {"mov cr3, r", {"mov cr3, r"}, nullptr, {}},
      {"mov cr0/cr4, r", {"mov cr0/cr4, r"}, nullptr, {}},
      {"clts", {"clts"}, nullptr, {}},
      {"mov r, crN", {"mov r, crN"}, nullptr, {}},
      {"interrupt delivery, ring 0", {"interrupt delivery, ring 0"}, nullptr, {}},
      {"interrupt delivery, from ring 3", {"interrupt delivery, from ring 3"}, nullptr, {}},
      {"exception delivery (extra)", {"exception delivery (extra)"}, nullptr, {}},
      {"SYSCALL event", {"SYSCALL"}, nullptr, {}},
      {"board register read (xAPIC MMIO)", {"board register read"}, nullptr, {}},
      {"board register write (xAPIC MMIO)", {"board register write"}, nullptr, {}},
      {"console character (UART port I/O)", {"console character"}, nullptr, {}},
      {"IPI latency", {"IPI latency"}, nullptr, {}},
  };
  return specs;
}

const CostTable::Entry* find_entry(const CostTable& table, const std::string& name) {
  for (const auto* list : {&table.entries(), &table.event_entries()}) {
    const auto it = std::find_if(list->begin(), list->end(), [&](const CostTable::Entry& e) { return e.mnemonic == name; });
    if (it != list->end()) return &*it;
  }
  return nullptr;
}

// Collects each probe's per-repetition figures and Google Benchmark's "min"
// aggregate over the repetitions.
class Collector : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      const std::string name = run.run_name.function_name;
      if (run.error_occurred) {
        errors.push_back(fmt::format("{}: {}", name, run.error_message));
        continue;
      }
      const auto counter = run.counters.find("block_ticks");
      if (counter == run.counters.end()) continue;
      if (run.run_type == Run::RT_Iteration) repetitions[name].push_back(counter->second.value);
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "min") minimum[name] = counter->second.value;
    }
  }
  std::map<std::string, std::vector<double>> repetitions;
  std::map<std::string, double> minimum;
  std::vector<std::string> errors;
};

double min_of(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// The thread on one CPU for the run; the previous affinity afterwards.
class PinToCurrentCpu {
 public:
  PinToCurrentCpu() {
    CPU_ZERO(&previous_);
    if (sched_getaffinity(0, sizeof previous_, &previous_) != 0) return;
    cpu_ = sched_getcpu();
    if (cpu_ < 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu_, &one);
    pinned_ = sched_setaffinity(0, sizeof one, &one) == 0;
  }
  ~PinToCurrentCpu() {
    if (pinned_) sched_setaffinity(0, sizeof previous_, &previous_);
  }
  PinToCurrentCpu(const PinToCurrentCpu&) = delete;
  PinToCurrentCpu& operator=(const PinToCurrentCpu&) = delete;
  int cpu() const { return pinned_ ? cpu_ : -1; }

 private:
  cpu_set_t previous_;
  int cpu_ = -1;
  bool pinned_ = false;
};

constexpr const char* kPrefix = "host/";
// A timed block lasts at least this many TSC ticks and TSC steps.
constexpr double kMinBlockTicks = 20000;
constexpr double kStepsPerBlock = 400;

}  // namespace

const char* to_string(HostRowStatus status) {
  switch (status) {
    case HostRowStatus::Measured: return "measured";
    case HostRowStatus::RingZeroOnly: return "ring 0 only";
    case HostRowStatus::NotAvailable: return "not available on this CPU";
  }
  return "?";
}

std::vector<HostRow> host_rows(const CostTable& table) {
  std::vector<HostRow> rows;
  for (const RowSpec& spec : row_specs()) {
    HostRow row;
    row.row = spec.row;
    std::vector<const CostTable::Entry*> entries;
    for (const char* name : spec.covers) {
      const CostTable::Entry* e = find_entry(table, name);
      if (!e) throw std::logic_error(fmt::format("host calibration row \"{}\": no cost-table entry \"{}\"", spec.row, name));
      entries.push_back(e);
      row.covers.push_back(name);
      if (row.source.find(e->source) == std::string::npos) row.source += (row.source.empty() ? "" : "; ") + e->source;
    }
    if (!spec.priced.empty()) {
      for (const Priced& p : spec.priced) row.table_cycles += table.instruction_cost(p.capstone_id, p.lock, false);
    } else {
      row.table_cycles = entries.front()->cycles;
      for (const CostTable::Entry* e : entries) {
        if (e->cycles != row.table_cycles) {
          throw std::logic_error(fmt::format("host calibration row \"{}\": its entries cost {} and {}: split the row",
                                             spec.row, row.table_cycles, e->cycles));
        }
      }
    }
    if (spec.probe) {
      const HostProbe* probe = find_host_probe(spec.probe);
      if (!probe) throw std::logic_error(fmt::format("host calibration row \"{}\": no probe \"{}\"", spec.row, spec.probe));
      row.probe = spec.probe;
      row.how = probe->how;
      row.status = probe->available && !probe->available() ? HostRowStatus::NotAvailable : HostRowStatus::Measured;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> unclassified_entries(const CostTable& table, const std::vector<HostRow>& rows) {
  std::vector<std::string> missing;
  for (const auto* list : {&table.entries(), &table.event_entries()}) {
    for (const CostTable::Entry& e : *list) {
      const bool covered = std::any_of(rows.begin(), rows.end(), [&](const HostRow& r) {
        return std::find(r.covers.begin(), r.covers.end(), e.mnemonic) != r.covers.end();
      });
      if (!covered) missing.push_back(e.mnemonic);
    }
  }
  return missing;
}

HostCalibration calibrate_host(const CostTable& table, const HostCalibrationOptions& options) {
  HostCalibration result;
  result.rows = host_rows(table);
  result.cpu = host_cpu_brand();
  result.hypervisor = host_under_hypervisor();
  result.repetitions = options.repetitions;
  result.iterations = options.iterations;

  Collector collector;
  std::map<std::string, std::uint64_t> rounds;
  {
    const PinToCurrentCpu pin;
    result.pinned_cpu = pin.cpu();
    // Blocks long against the TSC's step: the step bounds the error of one block.
    result.tsc_step = host_tsc_step();
    result.block_ticks = std::max(kMinBlockTicks, kStepsPerBlock * static_cast<double>(result.tsc_step));
    const auto median_of = [](const HostProbe& probe, std::uint64_t n, int samples) {
      std::vector<std::uint64_t> t;
      for (int i = 0; i < samples; ++i) t.push_back(probe.block(n));
      std::nth_element(t.begin(), t.begin() + samples / 2, t.end());
      return static_cast<double>(t[static_cast<std::size_t>(samples / 2)]);
    };
    const double overhead = median_of(*find_host_probe("empty"), 1, 101);
    benchmark::ClearRegisteredBenchmarks();
    for (const HostProbe& probe : host_probes()) {
      if (probe.available && !probe.available()) continue;
      const HostProbe* p = &probe;
      const double one_pass = std::max(1.0, median_of(probe, 1, 11) - overhead);
      const std::uint64_t n = std::string_view(probe.name) == "empty"
                                  ? 1
                                  : static_cast<std::uint64_t>(std::ceil(result.block_ticks / one_pass));
      rounds[kPrefix + std::string(probe.name)] = n;
      benchmark::RegisterBenchmark((std::string(kPrefix) + probe.name).c_str(),
                                   [p, n](benchmark::State& state) {
                                     std::vector<std::uint64_t> samples;
                                     samples.reserve(static_cast<std::size_t>(state.max_iterations));
                                     for ([[maybe_unused]] auto _ : state) samples.push_back(p->block(n));
                                     const auto middle =
                                         samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
                                     std::nth_element(samples.begin(), middle, samples.end());
                                     state.counters["block_ticks"] = static_cast<double>(*middle);
                                   })
          ->Iterations(options.iterations)
          ->Repetitions(options.repetitions)
          ->ComputeStatistics("min", min_of);
    }
    benchmark::RunSpecifiedBenchmarks(&collector, std::string("^") + kPrefix);
    benchmark::ClearRegisteredBenchmarks();
  }
  if (!collector.errors.empty()) throw std::runtime_error("host probe failed: " + collector.errors.front());

  const auto block_minimum = [&](const std::string& probe) {
    const auto it = collector.minimum.find(kPrefix + probe);
    if (it == collector.minimum.end()) throw std::runtime_error(fmt::format("host probe {} was not measured", probe));
    return it->second;
  };
  const auto instructions = [&](const HostProbe& probe) {
    return static_cast<std::uint64_t>(probe.unroll) * rounds.at(kPrefix + std::string(probe.name));
  };
  result.overhead_ticks = block_minimum("empty");
  const auto per_instruction = [&](const HostProbe& probe, double block) {
    return (block - result.overhead_ticks) / static_cast<double>(instructions(probe));
  };
  result.ticks_per_cycle = per_instruction(*find_host_probe("add-chain"), block_minimum("add-chain"));
  for (HostRow& row : result.rows) {
    if (row.status != HostRowStatus::Measured) continue;
    const HostProbe& probe = *find_host_probe(row.probe);
    row.block_instructions = instructions(probe);
    row.host_ticks = per_instruction(probe, block_minimum(row.probe));
    row.host_cycles = result.ticks_per_cycle > 0 ? row.host_ticks / result.ticks_per_cycle
                                                 : std::numeric_limits<double>::quiet_NaN();
    const std::vector<double>& reps = collector.repetitions[kPrefix + row.probe];
    if (!reps.empty()) {
      const auto [lo, hi] = std::minmax_element(reps.begin(), reps.end());
      const double low = per_instruction(probe, *lo), high = per_instruction(probe, *hi);
      row.spread = low > 0 ? (high - low) / low : std::numeric_limits<double>::quiet_NaN();
    }
  }
  return result;
}

}  // namespace pristine::sim
