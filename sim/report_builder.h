// The report's measurements: what the run did per path, per CPU, per task,
// read from the CPUs' accounting and the kernel's own tables. No judgement
// here: the invariants judge the finished report (sim/end_of_run_checks.h).
#pragma once

#include <map>
#include <string>

#include "sim/guest_arch.h"
#include "sim/fault_injector.h"
#include "sim/guest_kernel_view.h"
#include "sim/interconnect.h"
#include "sim/report.h"
#include "sim/scenario.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

// The timer ticks a CPU owes by the end of the run, counted over what the
// run could observe (docs/scenarios.md, "Ticks"): from the CPU's first armed
// deadline, less the ticks an injected late timer withheld; a CPU that runs
// tasks without ever arming its tick owes one per period since its first
// task; one still booting owes none.
struct TickExpectation {
  std::uint64_t ticks = 0;
  bool booting = false;  // neither armed its tick nor ran a task yet
};
TickExpectation expected_ticks(const SimCpu& cpu, const SimCpu& boot, Cycles period);

// Cycles one CPU spent in each interrupt and exception handler (exclusive:
// nested handlers are charged to their own vector), with or without a switch.
std::map<Vector, Cycles> handler_cycles_by_vector(const SimCpu& cpu);

class ReportBuilder {
 public:
  struct Parts {
    const Scenario& scenario;
    const SimCpus& cpus;
    const GuestKernelView& kernel;
    const Interconnect& interconnect;
    const FaultInjector& faults;
    const std::string& console;
  };
  explicit ReportBuilder(Parts parts);

  // Everything but the violations.
  Report build(const std::string& end) const;

 private:
  HandlerReport handler_report(PathId path, bool switched, const std::vector<const SimCpu*>& cpus) const;
  CpuReport cpu_report(const SimCpu& cpu) const;
  TaskReport task_report(int task) const;

  Parts p_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
