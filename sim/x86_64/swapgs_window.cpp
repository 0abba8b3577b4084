// The fault injector's one x86-only fault (sim/fault_injector.h): an NMI in
// the window between interrupt_return's swapgs and its iretq, where ring 0
// code runs with the user's GS base.
#include <capstone/capstone.h>

#include "sim/fault_injector.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

// Stopped at interrupt_return's swapgs with an NMI armed: execute the swapgs
// as the CPU would (exchange GS base and KERNEL_GS_BASE), then take the NMI
// with RIP at the iretq: ring 0 code, user GS base.
void FaultInjector::at_swapgs_window(SimCpu& c) {
  // The stop must have landed at the window (a stop request can take effect
  // later); otherwise try again at the next window. Whether the swapgs has
  // already run is read from the GS base itself, not inferred from RIP.
  const VirtAddr rip = c.cpu.pc();
  if (rip != window_swapgs_ && rip != window_swapgs_ + 3) return;
  if (is_kernel_address(c.cpu.per_cpu_base())) c.cpu.swapgs();
  c.cpu.set_pc(window_swapgs_ + 3);
  c.cycles += costs_.instruction_cost(X86_INS_SWAPGS, false, false);
  const FaultKind kind = scenario_.faults[c.window_nmi].kind;
  c.window_nmi = -1;
  c.nmi_pending = true;
  c.nmi_record = record(c, kind, "swapgs/iretq window (ring 0 code, user GS base)", "pending");
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
