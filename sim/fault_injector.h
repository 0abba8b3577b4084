// Fault injection: the scenario's [[fault]] tables turned into events, each
// injected where real kernels break (docs/faults.md), and listed in the
// report with where it hit and what the kernel did about it. The injector
// decides what goes wrong and when; the run loop (sim/simulator.h) delivers
// what it arms (an NMI, a raised vector) like any other event.
//
// A new fault kind touches exactly three places (docs/adding-kinds.md):
//   1. its line in sim/fault_kind_list.def: enumerator, scenario name, the
//      key it requires (None, Vector, Task, Late) and what happens;
//   2. its arming case in FaultInjector::inject (a switch over every kind:
//      -Wswitch names a missing case);
//   3. its outcome in FaultInjector::finish (or record_closed, when the
//      outcome is known as the delivery it caused closes).
// Its row in docs/scenarios.md's [[fault]] kind table and its draw in
// sim/swarm.cpp follow; tests fail until both exist.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/event_source.h"
#include "sim/guest_image.h"
#include "sim/guest_kernel_view.h"
#include "sim/guest_memory.h"
#include "sim/handler_accounting.h"
#include "sim/interconnect.h"
#include "sim/report.h"
#include "sim/scenario.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

class FaultInjector {
 public:
  struct Parts {
    const Scenario& scenario;
    SimCpus& cpus;
    GuestMemory& memory;
    const GuestImage& image;
    const GuestKernelView& kernel;
    const CostTable& costs;
  };
  explicit FaultInjector(Parts parts);

  // Schedule each fault's first arrival (once the CPUs exist).
  void arm();

  // A Fault event fell due on `c` (the boot CPU). False if it waits for the
  // kernel's first tick (it is scheduled again) instead of being injected.
  bool inject(SimCpu& c, std::uint32_t index);
  // The board timer of `c` expired: raises the tick, late or twice if armed.
  void timer_expired(SimCpu& c);
  // Whether an NMI is to be taken on `c` now; if so its record is updated and
  // the caller delivers it.
  bool take_nmi(SimCpu& c);
  // The swapgs of interrupt_return (0 if the image has none) and what to do
  // when a CPU with a window NMI armed stopped there.
  VirtAddr swapgs_window() const { return window_swapgs_; }
  void at_swapgs_window(SimCpu& c);
  // A delivery record closed on `c`: the outcome of the fault it carried.
  void record_closed(SimCpu& c, const ClosedRecord& closed);
  // A page fault at `address`: whether it hit the page an injected fault
  // took away. page_touched then brings the page back for the retry.
  bool hits_injected_page(VirtAddr address) const;
  void page_touched(VirtAddr faulting_rip);
  // The run ended: a page still away is back in guest RAM, so the report
  // reads the task's progress through it.
  void run_ended();
  // The injected faults and their outcomes; the violations they prove.
  void finish(const SimCpu& boot, Report& report) const;

 private:
  void schedule(std::uint32_t index);
  int record(const SimCpu& c, FaultKind kind, std::string context, std::string outcome);
  std::string context_of(const SimCpu& c) const;
  void take_page_away(SimCpu& c, const FaultSpec& f);

  const Scenario& scenario_;
  SimCpus& cpus_;
  GuestMemory& memory_;
  const GuestImage& image_;
  const GuestKernelView& kernel_;
  const CostTable& costs_;
  std::vector<EventSource> sources_;      // arrivals, one per [[fault]]
  std::vector<std::uint32_t> injections_;  // how many so far, per [[fault]]
  std::vector<InjectedFault> faults_;
  // The page an injected page fault made not present, on every CPU, until
  // the first access to it (one at a time).
  VirtAddr injected_page_ = 0;
  int injected_page_record_ = -1;
  VirtAddr window_swapgs_ = 0;  // interrupt_return_swapgs
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
