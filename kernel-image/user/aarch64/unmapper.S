// Ring-3 program "unmapper" on AArch64 (kernel-image/user/unmapper.S is the
// x86-64 one): count, write a word on the next page of its heap (mapped
// again on demand, zero-filled), unmap that page, forever. Every unmap is a
// TLB shootdown to every other CPU.
#include "core/user_layout.h"
#include "kernel-image/user/syscalls.h"
  .section .user_text, "ax"
  .global user_unmapper_main
  .type user_unmapper_main, %function
user_unmapper_main:
  mov x19, x0                                   // the progress counter
  add x20, x0, #PRISTINE_USER_COUNTER_SIZE      // the heap
  mov x21, #0                                   // offset of the page in the heap
1:ldr x9, [x19]
  add x9, x9, #1
  str x9, [x19]
  add x0, x20, x21
  ldr x9, [x0]                    // a page mapped again reads zero
  cbnz x9, 3f
  str x19, [x0]
  mov x8, #SYS_UNMAP
  svc #0
  cbnz x0, 3f
  add x21, x21, #4096
  and x21, x21, #(PRISTINE_USER_HEAP_SIZE - 1)
  b 1b
3:mov x8, #SYS_EXIT
  mov x0, #1
  svc #0
  .size user_unmapper_main, . - user_unmapper_main
