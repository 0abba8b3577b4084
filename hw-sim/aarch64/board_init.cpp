// The AArch64 kernel's board entry on the simulated board: after the boot
// (hw-aarch64/cpu/boot.S turned the MMU on), the CPU's index, the timer's
// vector, then core/'s kernel_main with the boot information the simulator
// wrote into the image before the first instruction (core/boot_info.h); and
// each secondary CPU's (board_entry.S, hw-aarch64/cpu/secondary_entry.S).
// The interrupt controller is the board's: one register read acknowledges
// the highest deliverable interrupt, as GICv3's ICC_IAR1_EL1 does, and names
// it by core/'s vector directly (the board raises core/'s vectors).
#include <cstdint>

#include "core/boot_info.h"
#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/kernel_main.h"
#include "core/machine.h"
#include "core/sched/task.h"
#include "core/smp/secondary_cpus.h"
#include "hw-aarch64/cpu/interrupt_controller.h"
#include "hw-aarch64/cpu/pan.h"
#include "hw-aarch64/cpu/system_registers.h"
#include "hw-sim/aarch64/board_entry_constants.h"
#include "hw-sim/board_window.h"

static_assert(BOARD_CPU_ID_PHYSICAL == pristine::sim_board::aarch64::kPhysicalBase + pristine::sim_board::kCpuId);

namespace pristine {

PRISTINE_HOT Vector aarch64::acknowledge_interrupt() {
  const std::uint32_t vector = sim_board::reg32(sim_board::kAcknowledge);
  if (vector == sim_board::kNothingPending) return vectors::kSpurious;
  return static_cast<Vector>(vector);
}

}  // namespace pristine

extern "C" [[noreturn]] void aarch64_main() {
  using namespace pristine;
  if (sim_board::reg(sim_board::kId) != sim_board::kBoardId) machine::power_off(4);
  PRISTINE_WRITE_SYSREG(tpidr_el1, 0);
  aarch64::pan_enable_on_this_cpu();  // where the CPU has PAN, as on `virt`
  sim_board::reg(sim_board::kTimerVector) = vectors::kTimer;
  kernel_main();
}

extern "C" [[noreturn]] void aarch64_secondary_main(std::uint64_t cpu) {
  using namespace pristine;
  PRISTINE_WRITE_SYSREG(tpidr_el1, cpu);
  aarch64::pan_enable_on_this_cpu();
  sim_board::reg(sim_board::kTimerVector) = vectors::kTimer;
  kernel_secondary_main(CpuId{static_cast<std::uint32_t>(cpu)});
}
