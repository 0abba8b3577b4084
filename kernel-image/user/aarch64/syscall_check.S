// Ring-3 program "syscall-check" on AArch64 (kernel-image/user/syscall_check.S
// is the x86-64 one, with the same checks and exit codes): calls system
// calls with good and bad arguments and checks each result; counts one round
// of checks at a time. A wrong result ends the task with exit(100 + the
// number of the failed check).
#include "kernel-image/user/syscalls.h"
#include "core/user_layout.h"
  .section .user_text, "ax"

  // check N, expected: compare x0 with `expected`, exit(100 + N) if different.
  .macro check n, expected
  mov x9, #(\expected)
  cmp x0, x9
  b.eq 9f
  mov x8, #SYS_EXIT
  mov x0, #(100 + \n)
  svc #0
9:
  .endm

  .global user_syscall_check_main
  .type user_syscall_check_main, %function
user_syscall_check_main:
  mov x19, x0                     // the progress counter
1:
  mov x8, #SYS_WRITE              // 1: a kernel pointer is refused
  ldr x0, =__kernel_start
  mov x1, #4
  svc #0
  check 1, EFAULT
  mov x8, #SYS_WRITE              // 2: a null pointer is refused
  mov x0, #0
  mov x1, #4
  svc #0
  check 2, EFAULT
  mov x8, #SYS_WRITE              // 3: a wrapping range is refused
  ldr x0, =message
  mov x1, #-1
  svc #0
  check 3, EINVAL
  mov x8, #SYS_WRITE              // 4: a range running past the user region is refused
  ldr x0, =0x7ffffffff000
  mov x1, #4096
  svc #0
  check 4, EFAULT
  mov x8, #99                     // 5: an unknown call
  svc #0
  check 5, ENOSYS
  mov x8, #SYS_SLEEP              // 6: an absurd sleep
  mov x0, #-1
  svc #0
  check 6, EINVAL
  mov x8, #SYS_GETPID             // 7: getpid is stable
  svc #0
  mov x20, x0
  mov x8, #SYS_GETPID
  svc #0
  cmp x0, x20
  b.ne 8f
  mov x8, #SYS_YIELD              // 8: yield returns 0
  svc #0
  check 8, 0
  mov x8, #SYS_CLOCK              // 9: the clock runs forward
  svc #0
  mov x21, x0
  mov x8, #SYS_CLOCK
  svc #0
  cmp x0, x21
  b.lo 7f
  mov x8, #SYS_SYSINFO            // 10: sysinfo into its own heap (demand-zero): the struct's size
  add x0, x19, #PRISTINE_USER_COUNTER_SIZE
  mov x1, #SYSTEM_INFO_SIZE
  svc #0
  check 10, SYSTEM_INFO_SIZE
  mov x8, #SYS_SYSINFO            // 11: a buffer too short: refused
  add x0, x19, #PRISTINE_USER_COUNTER_SIZE
  mov x1, #(SYSTEM_INFO_SIZE - 1)
  svc #0
  check 11, EINVAL
  mov x8, #SYS_GET_PRIORITY       // 12: its priority is what it was created with
  svc #0
  mov x21, x0
  mov x8, #SYS_SET_PRIORITY       // 13: setting it again is allowed
  mov x0, x21
  svc #0
  check 13, 0
  cmp x21, #3                     // 14: above its ceiling: refused (at 3 the ceiling is the maximum: skipped)
  b.eq 10f
  mov x8, #SYS_SET_PRIORITY
  add x0, x21, #1
  svc #0
  check 14, EPERM
10:
  mov x8, #SYS_SET_PRIORITY       // 15: beyond every priority: refused
  mov x0, #4
  svc #0
  check 15, EINVAL
  ldr x9, [x19]
  add x9, x9, #1
  str x9, [x19]
  b 1b
7:mov x8, #SYS_EXIT
  mov x0, #109
  svc #0
8:mov x8, #SYS_EXIT
  mov x0, #107
  svc #0
  .size user_syscall_check_main, . - user_syscall_check_main
  .ltorg

  .section .user_data, "aw"
message:
  .ascii "ok\n"
