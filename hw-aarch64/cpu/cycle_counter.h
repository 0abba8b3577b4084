// The PMU's cycle counter (PMCCNTR_EL0) as the kernel's clock on AArch64:
// the generic timer counts at tens of MHz (62.5 on QEMU's virt board), too
// coarse to measure a path of a few hundred instructions, where the cycle
// counter counts CPU cycles (QEMU: at 1 GHz of virtual time, so one per
// instruction under -icount, as the PC's TSC). Enabled once per CPU, at EL1
// and EL0 alike (PMCCFILTR_EL0 left at its reset value: count everywhere).
#pragma once

#include <cstdint>

#include "hw-aarch64/cpu/system_registers.h"

namespace pristine::aarch64 {

inline void cycle_counter_enable() {
  PRISTINE_WRITE_SYSREG(pmcr_el0, PRISTINE_READ_SYSREG(pmcr_el0) | 1);  // E: counters on
  PRISTINE_WRITE_SYSREG(pmcntenset_el0, 1ull << 31);                    // C: the cycle counter
  isb();
}

inline std::uint64_t cycle_counter() {
  isb();  // read after what precedes it
  return PRISTINE_READ_SYSREG(pmccntr_el0);
}

}  // namespace pristine::aarch64
