// A scenario: what the simulated machine runs and which interrupt sources storm it.
// Parsed from TOML (docs/scenarios.md); every error names file, line and key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/program_registry.h"
#include "sim/guest_architecture.h"
#include "sim/host_types.h"
#include "sim/fault_kinds.h"
#include "sim/source_kinds.h"

namespace pristine::sim {

// Thrown for malformed or out-of-range scenario input. what() reads
// "FILE:LINE: KEY: message" so the user can jump straight to it.
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(const std::string& file, std::uint32_t line, const std::string& key,
                const std::string& message);
  const std::string& file() const { return file_; }
  std::uint32_t line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  std::string file_;
  std::uint32_t line_;
  std::string key_;
};

// Scenario name of a program ("counter", "fault-ud2", ...), and back; both
// from the registry (core/program_list.def) the kernel and the PC command line
// use too.
const char* program_name(UserProgram program);
std::optional<UserProgram> program_named(std::string_view name);
// (The programs that run as ring-0 kernel threads: is_kernel_thread,
// core/program_registry.h.)

struct TaskSpec {
  std::string name;          // <= 15 chars, unique
  UserProgram program = UserProgram::Counter;
  std::uint32_t priority = 0;     // 0..3: weights the time slice
  std::uint64_t sleep_ns = 0;     // ProgramArg::SleepNanoseconds (a sleeper): nanoseconds per sleep
  std::optional<CpuId> cpu;       // pinned to this CPU; none: the kernel places and balances it
  std::uint32_t partner = 0;      // ProgramArg::PartnerTask (a pinger): index of the task it wakes (from `partner = "name"`)
  std::uint64_t number = 0;       // ProgramArg::Number: the `arg` key (a fuzzer's seed)

  // The BootTask::arg the task carries, by its program's parameter kind.
  std::uint64_t boot_arg() const {
    switch (program_info(program)->arg) {
      case ProgramArg::PartnerTask: return partner;
      case ProgramArg::SleepNanoseconds: return sleep_ns;
      case ProgramArg::Number: return number;
      case ProgramArg::NoArg: break;
    }
    return 0;
  }
};

// Interrupt sources (SourceSpec) and fault kinds: sim/source_kinds.h,
// sim/fault_kinds.h.

// One [[fault]]: injections of `kind`, a Poisson process of mean `mean`.
struct FaultSpec {
  FaultKind kind = FaultKind::Nmi;
  Cycles start = 0;
  Cycles mean = 0;           // mean spacing of injections (Poisson)
  std::uint32_t count = 0;   // at most this many; 0 = no limit
  Vector vector = 0;         // a kind that takes FaultParameter::Vector
  std::string task;          // FaultParameter::Task
  Cycles late = 0;           // FaultParameter::Late
};

// A per-handler budget tighter than the default 1000 modeled cycles.
struct BudgetSpec {
  std::string handler;         // handler name as in the report ("timer", "device", ...)
  Cycles cycles = 0;
};

struct Scenario {
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;                // --seed overrides
  // The CPU the scenario's kernel runs on: `pristine boot --scenario` boots
  // that architecture's image; the simulator refuses what its run loop
  // does not drive yet (docs/aarch64.md).
  GuestArchitecture arch = GuestArchitecture::X86_64;
  std::uint32_t arch_line = 0;           // where `arch` is (0: not given), for a later refusal
  std::uint64_t cpu_hz = 2'000'000'000;  // modeled core clock, converts time units
  std::uint32_t cpus = 1;
  Cycles quantum = 1000;                 // CPUs interleave in turns of this many modeled cycles
  Cycles duration = 0;                   // run length in modeled cycles
  std::uint32_t tick_hz = 1000;          // kernel timer tick rate
  Cycles default_budget = 1000;
  std::uint32_t max_wait_ticks = 200;    // a runnable task must run within this many ticks
  // A task that got less than this share of the time it wanted the CPU is
  // starved ([checks], docs/scenarios.md); 0 disables the check.
  double min_cpu_share = 0.05;
  std::vector<TaskSpec> tasks;
  std::vector<SourceSpec> sources;
  std::vector<BudgetSpec> budgets;
  std::vector<FaultSpec> faults;

  // Budget for a handler: the scenario's override or the default.
  Cycles budget_for(const std::string& handler) const;
};

// What a run will model, known before it runs (docs/scenarios.md, "Run
// plan"): its length, and the expected numbers of events from the scenario's
// parameters (means for the Poisson ones; an injection waits for the tick).
struct RunPlan {
  Cycles cycles = 0;                    // the run length
  double milliseconds = 0;              // the same in modeled time
  std::uint64_t ticks_per_cpu = 0;      // timer periods in the run (boot takes the first ~0.4 ms)
  std::uint64_t source_interrupts = 0;  // all [[source]] arrivals before the end
  std::uint64_t fault_injections = 0;   // all [[fault]] injections before the end (count applied)
};
RunPlan plan_of(const Scenario& s);
// One line: "plan: 20.000 ms modeled (40000000 cycles at 2000 MHz) on 1 CPU(s): ..."
std::string describe_plan(const Scenario& s);

// Parse a scenario file. Throws ScenarioError on any problem.
Scenario load_scenario(const std::filesystem::path& file);
// Parse scenario text; `file` only names the source in errors.
Scenario parse_scenario(std::string_view text, const std::filesystem::path& file);

}  // namespace pristine::sim
