// Where a secondary CPU starts on every board, at EL1 with the MMU off and
// its index in x0 (on `virt` machine::start_cpu's PSCI CPU_ON passes it as
// context; the simulated board's hw-sim/aarch64/board_entry.S reads it and
// branches here). A stack of its own (PC-relative, physical), the boot CPU's
// tables and the MMU on (aarch64_secondary_enable_mmu), then its linked
// address, the same stack there, the vector table, and the C++ entry.
#include "hw-aarch64/cpu/secondary_stack.h"
  .section .text.boot, "ax"
  .global pristine_secondary_entry
pristine_secondary_entry:
  mov x19, x0
  add x20, x19, #1
  lsl x20, x20, #PRISTINE_SECONDARY_STACK_SHIFT  // the top of this CPU's stack, as an offset
  adrp x1, pristine_secondary_stacks
  add x1, x1, :lo12:pristine_secondary_stacks
  add x1, x1, x20
  mov sp, x1
  bl aarch64_secondary_enable_mmu
  ldr x1, =secondary_virtual_start
  br x1
secondary_virtual_start:
  ldr x1, =pristine_secondary_stacks
  add x1, x1, x20
  mov sp, x1
  ldr x1, =pristine_exception_vectors
  msr vbar_el1, x1
  isb
  mov x0, x19
  bl aarch64_secondary_main
1:wfi
  b 1b
