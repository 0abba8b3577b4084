// Ring-3 program "heap-toucher" on AArch64 (kernel-image/user/heap_toucher.S
// is the x86-64 one): writes one word on every page of its heap (the 16 KiB
// above its counter page, core/user_layout.h), which the kernel maps on first
// touch (demand-zero, a data abort from EL0 each), checks the pages read back
// zero-filled but for its word, then counts forever.
#include "core/user_layout.h"
#include "kernel-image/user/syscalls.h"
  .section .user_text, "ax"
  .global user_heap_toucher_main
  .type user_heap_toucher_main, %function
user_heap_toucher_main:
  add x1, x0, #PRISTINE_USER_COUNTER_SIZE       // the heap
  mov x2, #0
1:add x3, x1, x2
  ldr x4, [x3, #8]                // a fresh page must read zero
  cbnz x4, 3f
  str x2, [x3]
  add x2, x2, #4096
  cmp x2, #PRISTINE_USER_HEAP_SIZE
  b.ne 1b
2:ldr x9, [x0]
  add x9, x9, #1
  str x9, [x0]
  b 2b
3:mov x8, #SYS_EXIT               // exit(1): the page was not zeroed
  mov x0, #1
  svc #0
  .size user_heap_toucher_main, . - user_heap_toucher_main
