// Ring-3 program "sleeper" on AArch64 (kernel-image/user/sleeper.S is the
// x86-64 one): count, sleep x1 nanoseconds, forever. The svc preserves every
// register but x0 (the result): the counter and the sleep stay in x19, x20.
#include "kernel-image/user/syscalls.h"
  .section .user_text, "ax"
  .global user_sleeper_main
  .type user_sleeper_main, %function
user_sleeper_main:
  mov x19, x0             // the progress counter
  mov x20, x1             // nanoseconds
1:ldr x9, [x19]
  add x9, x9, #1
  str x9, [x19]
  mov x8, #SYS_SLEEP
  mov x0, x20
  svc #0
  b 1b
  .size user_sleeper_main, . - user_sleeper_main
