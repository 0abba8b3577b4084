// The simulated board's entry for a secondary AArch64 CPU. The simulator
// starts the boot CPU at the image's entry (hw-aarch64/cpu/boot.S: the
// same boot as on `virt`) and, once the boot CPU asked the board
// (kStartCpu), each other CPU here, at EL1 with the MMU off, as PSCI's
// CPU_ON does on `virt`. The CPU reads its index from the board (at the
// register page's physical address: the MMU is off) and takes the common
// secondary path (hw-aarch64/cpu/secondary_entry.S) with it in x0.
#include "hw-sim/aarch64/board_entry_constants.h"

  .section .text.boot, "ax"
  .global sim_secondary_entry
sim_secondary_entry:
  ldr x0, =BOARD_CPU_ID_PHYSICAL
  ldr x0, [x0]
  b pristine_secondary_entry
