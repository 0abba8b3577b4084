#include "hw-aarch64/virt/generic_timer.h"

#include "hw-aarch64/cpu/system_registers.h"

namespace pristine::virt {

std::uint64_t g_cycles_per_second = 1;
std::uint64_t g_timer_ticks_per_cycle = 0;

std::uint64_t timer_frequency() { return PRISTINE_READ_SYSREG(cntfrq_el0); }

std::uint64_t timer_now() {
  aarch64::isb();  // the count is read after what precedes it
  return PRISTINE_READ_SYSREG(cntvct_el0);
}

void timer_set_deadline(std::uint64_t deadline) {
  PRISTINE_WRITE_SYSREG(cntv_cval_el0, deadline);
  PRISTINE_WRITE_SYSREG(cntv_ctl_el0, 1);  // ENABLE, IMASK clear
  aarch64::isb();
}

void timer_stop() {
  PRISTINE_WRITE_SYSREG(cntv_ctl_el0, 0);
  aarch64::isb();
}

}  // namespace pristine::virt
