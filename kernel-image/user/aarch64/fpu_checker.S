// Ring-3 program "fpu-checker" on AArch64 (kernel-image/user/fpu_checker.S
// is the x86-64 one): keeps its counter's address in d0 and in the upper
// half of v31, and a rounding mode of its own in FPCR (toward zero, where a
// reset FPCR rounds to nearest), counts, and checks all three every round.
// The kernel loads a task's FP/SIMD state lazily (CPACR_EL1.FPEN traps the
// first use after a switch-in, docs/aarch64.md): a switch that lost or
// mixed up the state, or left out FPCR, shows as a changed register, and
// the task exits with code 1. Two of them on one CPU hold different
// addresses, so one's state given to the other shows too.
#include "kernel-image/user/syscalls.h"
  .section .user_text, "ax"
  .global user_fpu_checker_main
  .type user_fpu_checker_main, %function
user_fpu_checker_main:
  fmov d0, x0                     // the first FP instruction: traps once per switch-in
  mov v31.d[1], x0
  mov x10, #(3 << 22)             // FPCR.RMode = 0b11, round toward zero
  msr fpcr, x10
1:ldr x9, [x0]
  add x9, x9, #1
  str x9, [x0]
  fmov x9, d0
  cmp x9, x0
  b.ne 2f
  mov x9, v31.d[1]
  cmp x9, x0
  b.ne 2f
  mrs x9, fpcr
  cmp x9, x10
  b.eq 1b
2:mov x8, #SYS_EXIT
  mov x0, #1
  svc #0
  .size user_fpu_checker_main, . - user_fpu_checker_main
