// Ring-3 program "pinger" on AArch64 (kernel-image/user/pinger.S is the
// x86-64 one): count, wake the partner task (x1: its task index), wait until
// the partner wakes us, forever. Two pingers on different CPUs wake each
// other across CPUs: reschedule IPIs (SGIs here).
#include "kernel-image/user/syscalls.h"
  .section .user_text, "ax"
  .global user_pinger_main
  .type user_pinger_main, %function
user_pinger_main:
  mov x19, x0             // the progress counter
  mov x20, x1             // the partner
1:ldr x9, [x19]
  add x9, x9, #1
  str x9, [x19]
  mov x8, #SYS_WAKE
  mov x0, x20
  svc #0
  cbnz x0, 2f
  mov x8, #SYS_WAIT
  svc #0
  b 1b
2:mov x8, #SYS_EXIT       // wake refused: a wrong partner index
  mov x0, #1
  svc #0
  .size user_pinger_main, . - user_pinger_main
