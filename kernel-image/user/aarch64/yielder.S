// Ring-3 program "yielder" on AArch64 (kernel-image/user/yielder.S is the
// x86-64 one): count, yield, forever.
#include "kernel-image/user/syscalls.h"
  .section .user_text, "ax"
  .global user_yielder_main
  .type user_yielder_main, %function
user_yielder_main:
  mov x19, x0             // the progress counter
1:ldr x9, [x19]
  add x9, x9, #1
  str x9, [x19]
  mov x8, #SYS_YIELD
  svc #0
  b 1b
  .size user_yielder_main, . - user_yielder_main
