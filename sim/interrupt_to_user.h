// Interrupt-to-user-thread latency (docs/drivers.md, "Ring-3 drivers"): from
// the delivery of an interrupt on a device line a ring-3 task bound
// (interrupt_register) to the first ring-3 instruction that task executes
// after it, in modeled cycles. Reported as the path `irq-to-user`, under a
// budget like every path. When interrupts come faster than the task returns
// to ring 3, the oldest one not yet followed by its return is the one timed.
// Only interrupts that find the owner blocked are timed (one that finds it
// running only adds to its count), and a return is matched only when it comes
// later in modeled time (CPUs run in turns on clocks of their own).
#pragma once

#include <map>
#include <optional>

#include "sim/guest_arch.h"
#include "sim/report.h"
#include "sim/sample_histogram.h"
#include "sim/sim_cpu.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

inline constexpr const char* kInterruptToUserPath = "irq-to-user";

class InterruptToUser {
 public:
  // An interrupt of a line `owner` bound was delivered on `c`, while the
  // owner was blocked (waiting for it) or not: only a blocked owner's
  // wake-up is timed.
  void delivered(int owner, bool owner_blocked, const SimCpu& c);
  // Task `task` is about to execute ring-3 code on `c`.
  void entered_user(int task, const SimCpu& c);
  // The path's report, if any interrupt reached its task.
  std::optional<HandlerReport> report(Cycles budget) const;

 private:
  struct Pending {
    Cycles cycles;
    std::uint64_t instructions;
    CpuId cpu;
  };
  std::map<int, Pending> pending_;  // by owner task
  SampleHistogram cycles_;
  SampleHistogram instructions_;    // only when the task ran on the delivering CPU
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
